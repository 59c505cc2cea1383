// save/load interop with the real peers: podman, skopeo.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { busyboxTar, have, hoistBin, ok, removeDir, tempDir } from "./helpers.ts";

const peers = have("podman") && have("skopeo");
const skip = peers ? false : "podman and skopeo are not installed (scripts/setup installs them)";
let dir = "";
let root = "";
let id = "";
let diffIds: string[] = [];

function podman(...args: string[]): string {
  return execFileSync(
    "podman",
    ["--root", join(dir, "p-root"), "--runroot", join(dir, "p-run"), "--storage-driver", "vfs", ...args],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
}

before(() => {
  if (!peers) return;
  dir = tempDir();
  root = join(dir, "hoist");
  id = ok(root, ["import", "-c", 'CMD ["sh"]', busyboxTar(), "interop/bb:1"]).trim();
  ok(root, ["tag", "interop/bb:1", "interop/bb:2"]);
  diffIds = JSON.parse(ok(root, ["inspect", "-f", "{{json .RootFS.Layers}}", id])) as string[];
});
after(() => {
  if (!peers) return;
  try {
    podman("system", "reset", "-f");
  } catch {
    /* best effort */
  }
  removeDir(dir);
});

test("what hoist saves, podman loads and skopeo reads with the same IDs", { skip }, () => {
  const archive = join(dir, "hoist-save.tar");
  ok(root, ["save", "-o", archive, "interop/bb:1", "interop/bb:2"]);
  const info = JSON.parse(
    execFileSync("skopeo", ["inspect", "--config", `docker-archive:${archive}:interop/bb:1`], { encoding: "utf8" }),
  ) as {
    rootfs: { diff_ids: string[] };
  };
  assert.deepEqual(info.rootfs.diff_ids, diffIds);
  const raw = execFileSync("skopeo", ["inspect", "--raw", `docker-archive:${archive}:interop/bb:1`], {
    encoding: "utf8",
  });
  assert.equal((JSON.parse(raw) as { config: { digest: string } }).config.digest, id);
  const loaded = podman("load", "-i", archive);
  assert.match(loaded, /interop\/bb:1/);
  assert.equal(podman("image", "inspect", "--format", "{{.Id}}", "localhost/interop/bb:1").trim(), id.slice(7));
  assert.equal(podman("image", "inspect", "--format", "{{.Id}}", "interop/bb:2").trim(), id.slice(7));
});

test("what podman saves (docker-archive and oci-archive) hoist loads with the same ID", { skip }, () => {
  podman("import", "--change", "ENV FROM_PODMAN=1", busyboxTar(), "frompodman:1");
  const pid = podman("image", "inspect", "--format", "{{.Id}}", "frompodman:1").trim();
  for (const format of ["docker-archive", "oci-archive"]) {
    const archive = join(dir, `podman-${format}.tar`);
    podman("save", "--format", format, "-o", archive, "frompodman:1");
    const r2 = join(dir, `h-${format}`);
    const out = ok(r2, ["load", "-i", archive]);
    assert.match(out, /Loaded image/);
    const ids = ok(r2, ["images", "-q", "--no-trunc"]).trim();
    assert.equal(ids, `sha256:${pid}`, `${format}: ${out}`);
    assert.match(ok(r2, ["inspect", "-f", "{{json .Config.Env}}", ids]), /FROM_PODMAN=1/);
    assert.match(ok(r2, ["system", "check"]), /No problems found/);
  }
});

test("a skopeo-written OCI layout directory loads with hoist", { skip }, () => {
  const archive = join(dir, "for-skopeo.tar");
  ok(root, ["save", "-o", archive, "interop/bb:1"]);
  const layout = join(dir, "layout");
  execFileSync("skopeo", ["copy", `docker-archive:${archive}:interop/bb:1`, `oci:${layout}:bb`], { stdio: "ignore" });
  const r3 = join(dir, "h-layout");
  ok(r3, ["load", "-i", layout]);
  assert.equal(ok(r3, ["images", "-q", "--no-trunc"]).trim(), id);
  assert.deepEqual(JSON.parse(ok(r3, ["inspect", "-f", "{{json .RootFS.Layers}}", id])), diffIds);
});

test("hoist save --format oci-archive is readable by skopeo", { skip }, () => {
  const archive = join(dir, "hoist-oci.tar");
  ok(root, ["save", "--format", "oci-archive", "-o", archive, "interop/bb:1"]);
  const cfg = JSON.parse(
    execFileSync("skopeo", ["inspect", "--config", `oci-archive:${archive}`], { encoding: "utf8" }),
  ) as {
    rootfs: { diff_ids: string[] };
  };
  assert.deepEqual(cfg.rootfs.diff_ids, diffIds);
});

test("save | load round trip through a pipe keeps the ID and names", { skip }, () => {
  const archive = execFileSync(hoistBin, ["--root", root, "save", "interop/bb:1"], { maxBuffer: 1 << 28 });
  const r4 = join(dir, "h-pipe");
  const out = ok(r4, ["load"], { input: archive });
  assert.equal(out, "Loaded image: interop/bb:1\n");
  assert.equal(ok(r4, ["inspect", "-f", "{{.Id}}", "interop/bb:1"]).trim(), id);
});

test("history of a podman-built image: <missing> rows and 0B for empty layers", { skip }, () => {
  const ctxDir = join(dir, "buildctx");
  execFileSync("mkdir", ["-p", ctxDir]);
  execFileSync("sh", ["-c", `echo hello > ${ctxDir}/hello.txt`]);
  execFileSync("sh", [
    "-c",
    `printf 'FROM localhost/frompodman:1\\nENV GREETING=hi\\nCOPY hello.txt /hello.txt\\nCMD ["cat", "/hello.txt"]\\n' > ${ctxDir}/Dockerfile`,
  ]);
  podman("build", "--format", "docker", "-t", "built:1", ctxDir);
  const pid = podman("image", "inspect", "--format", "{{.Id}}", "built:1").trim();
  const archive = join(dir, "built.tar");
  podman("save", "-o", archive, "built:1");
  const r5 = join(dir, "h-built");
  ok(r5, ["load", "-i", archive]);
  const rows = ok(r5, ["history", "--format", "{{.ID}}|{{.Size}}|{{.CreatedBy}}", "localhost/built:1"])
    .trim()
    .split("\n");
  assert.equal(rows.length, 4, rows.join("\n"));
  assert.equal(rows[0]?.split("|")[0], pid.slice(0, 12));
  for (const r of rows.slice(1)) assert.equal(r.split("|")[0], "<missing>");
  const env = rows.find((r) => r.includes("GREETING"));
  assert.equal(env?.split("|")[1], "0B");
  const copyRow = rows.find((r) => r.includes("COPY"));
  assert.notEqual(copyRow?.split("|")[1], "0B");
  assert.equal(ok(r5, ["inspect", "-f", "{{.Id}}", "localhost/built:1"]).trim(), `sha256:${pid}`);
});
