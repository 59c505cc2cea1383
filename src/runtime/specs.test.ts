// The pure parts of container configuration: mount and port specs, capabilities, environment, users, paths.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CAPS, effectiveCaps, hostCaps } from "./caps.ts";
import { envEntry, mergeEnv } from "./env.ts";
import { parseMountFlag, parsePublishFlag, parseTmpfsFlag, parseVolumeFlag } from "./mount-specs.ts";
import { resolveInRoot } from "./rootfs-path.ts";
import { startExitCode } from "./monitor.ts";
import { resolveUser } from "./user.ts";

test("-v: binds, named and anonymous volumes, modes, and docker's errors", () => {
  assert.deepEqual(parseVolumeFlag("/host/dir:/ctr:ro"), {
    Type: "bind",
    Source: "/host/dir",
    Destination: "/ctr",
    ReadOnly: true,
  });
  assert.deepEqual(parseVolumeFlag("data:/var/lib/x"), {
    Type: "volume",
    Source: "data",
    Destination: "/var/lib/x",
    ReadOnly: false,
  });
  assert.deepEqual(parseVolumeFlag("/anon"), {
    Type: "volume",
    Source: "",
    Destination: "/anon",
    ReadOnly: false,
    Anonymous: true,
  });
  assert.deepEqual(parseVolumeFlag("/anon:ro"), {
    Type: "volume",
    Source: "",
    Destination: "/anon",
    ReadOnly: true,
    Anonymous: true,
  });
  assert.equal(parseVolumeFlag("/h:/c:rshared").Propagation, "rshared");
  assert.throws(() => parseVolumeFlag("a:b:c:d"), /invalid volume specification: 'a:b:c:d'/);
  assert.throws(() => parseVolumeFlag("/h:rel"), /mount path must be absolute/);
  assert.throws(() => parseVolumeFlag("/h:/c:bogus"), /invalid mode: bogus/);
  assert.throws(() => parseVolumeFlag("/h:/"), /destination can't be '\/'/);
  assert.throws(() => parseVolumeFlag("./rel:/c"), /includes invalid characters for a local volume name/);
});

test("--mount and --tmpfs", () => {
  assert.deepEqual(parseMountFlag("type=bind,src=/tmp,dst=/t,readonly"), {
    Type: "bind",
    Source: "/tmp",
    Destination: "/t",
    ReadOnly: true,
  });
  assert.deepEqual(parseMountFlag("type=tmpfs,target=/run,tmpfs-size=1m,tmpfs-mode=1777").Options, [
    "size=1m",
    "mode=1777",
  ]);
  assert.equal(parseMountFlag("target=/v").Anonymous, true, "type defaults to volume");
  assert.throws(() => parseMountFlag("type=bind,target=/x"), /field Source must not be empty/);
  assert.throws(() => parseMountFlag("type=volume,src=v"), /field Target must not be empty/);
  assert.throws(
    () => parseMountFlag("type=bind,source=/nonexistent-hoist,target=/x"),
    /bind source path does not exist/,
  );
  assert.throws(() => parseMountFlag("type=volume,target=/x,color=red"), /unexpected key 'color'/);
  assert.throws(() => parseMountFlag("type=volume,target"), /must be a key=value pair/);
  assert.deepEqual(parseTmpfsFlag("/run:size=1m,exec"), {
    Type: "tmpfs",
    Source: "",
    Destination: "/run",
    ReadOnly: false,
    Options: ["size=1m", "exec"],
  });
});

test("-p: ports, ranges, addresses, protocols", () => {
  assert.deepEqual(parsePublishFlag("8080:80"), [{ port: "80/tcp", binding: { HostIp: "", HostPort: "8080" } }]);
  assert.deepEqual(parsePublishFlag("127.0.0.1::53/udp"), [
    { port: "53/udp", binding: { HostIp: "127.0.0.1", HostPort: "" } },
  ]);
  assert.equal(parsePublishFlag("7000-7002:8000-8002").length, 3);
  assert.throws(() => parsePublishFlag("80:x"), /invalid containerPort: x/);
  assert.throws(() => parsePublishFlag("x:80"), /invalid hostPort: x/);
  assert.throws(() => parsePublishFlag("80/icmp"), /invalid proto: icmp/);
  assert.throws(() => parsePublishFlag("1-2:3-5"), /invalid ranges/);
});

test("capabilities: docker's defaults, --cap-add/--cap-drop with ALL", () => {
  const known = hostCaps();
  assert.deepEqual(
    effectiveCaps([], [], false),
    DEFAULT_CAPS.filter((c) => known.includes(c)),
  );
  assert.ok(!effectiveCaps([], ["chown"], false).includes("CAP_CHOWN"));
  assert.ok(effectiveCaps(["NET_ADMIN"], [], false).includes("CAP_NET_ADMIN") || !known.includes("CAP_NET_ADMIN"));
  assert.deepEqual(effectiveCaps(["kill"], ["ALL"], false), ["CAP_KILL"]);
  assert.deepEqual(
    effectiveCaps(["ALL"], ["CAP_KILL"], false),
    known.filter((c) => c !== "CAP_KILL"),
  );
  assert.deepEqual(effectiveCaps([], [], true), known);
  assert.throws(() => effectiveCaps(["NOT_A_CAP"], [], false), /invalid capability/);
});

test("environment: -e KEY takes the caller's value; later entries replace earlier ones", () => {
  assert.equal(envEntry("A=1", {}), "A=1");
  assert.equal(envEntry("HOME", { HOME: "/x" }), "HOME=/x");
  assert.equal(envEntry("UNSET_VAR", {}), undefined);
  assert.deepEqual(mergeEnv(["PATH=/bin", "A=1"], ["A=2", "B=3"]), ["PATH=/bin", "A=2", "B=3"]);
});

test("start failures map to docker's exit codes", () => {
  assert.equal(startExitCode('exec: "x": executable file not found in $PATH'), 127);
  assert.equal(startExitCode('exec: "/x": stat /x: no such file or directory'), 127);
  assert.equal(startExitCode('exec: "/etc": permission denied'), 126);
  assert.equal(startExitCode("cgroups: cannot create"), 125);
});

test("users and paths resolve inside the root filesystem", () => {
  const root = mkdtempSync(join(tmpdir(), "hoist-rootfs-"));
  try {
    mkdirSync(join(root, "etc"));
    mkdirSync(join(root, "real"));
    writeFileSync(join(root, "real", "passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
    symlinkSync("/real/passwd", join(root, "etc", "passwd"));
    writeFileSync(join(root, "etc", "group"), "root:x:0:\napp:x:1000:\nwheel:x:10:app\n");
    symlinkSync("../../../../..", join(root, "up"));
    assert.equal(resolveInRoot(root, "/up/etc/group"), join(root, "etc", "group"), "'..' stops at the root");
    assert.equal(
      resolveInRoot(root, "/etc/passwd"),
      join(root, "real", "passwd"),
      "absolute links are inside the root",
    );
    assert.deepEqual(resolveUser(root, ""), { uid: 0, gid: 0, additionalGids: [], home: "/root" });
    assert.deepEqual(resolveUser(root, "app"), { uid: 1000, gid: 1000, additionalGids: [10], home: "/home/app" });
    assert.deepEqual(resolveUser(root, "app:wheel"), { uid: 1000, gid: 10, additionalGids: [], home: "/home/app" });
    assert.deepEqual(resolveUser(root, "4242:7"), { uid: 4242, gid: 7, additionalGids: [], home: "/" });
    assert.throws(() => resolveUser(root, "ghost"), /unable to find user ghost: no matching entries in passwd file/);
    assert.throws(() => resolveUser(root, "app:ghosts"), /unable to find group ghosts/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
