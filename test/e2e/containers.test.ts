// Containers end to end with a real OCI runtime (runc): run, exit codes, detached containers and their
// monitors, stop/kill/pause, logs -f, exec, a real pty, cp/diff/top, and the bad-input rules.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { busyboxTar, have, hoist, hoistBin, ok, removeDir, tempDir, removeAllContainers } from "./helpers.ts";

const runc = have("runc");
const skip = runc ? false : "runc is not installed (scripts/setup installs it)";
let dir = "";
let root = "";

function mountsUnder(path: string): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter((l) => l.split(" ")[4]?.startsWith(path));
}

function psNames(all = true): string[] {
  return ok(root, ["ps", ...(all ? ["-a"] : []), "--format", "{{.Names}}"])
    .trim()
    .split("\n")
    .filter(Boolean);
}

before(() => {
  if (!runc) return;
  dir = tempDir("hoist-ctr-");
  root = join(dir, "root");
  ok(root, ["import", "-c", 'CMD ["sh"]', busyboxTar(), "busybox:latest"]);
});

after(() => {
  if (!runc) return;
  removeAllContainers(root);
  const left = mountsUnder(root);
  removeDir(dir);
  assert.deepEqual(left, [], "no mounts left under the store root");
});

test("run --rm prints the container's output and leaves nothing behind", { skip }, () => {
  assert.equal(ok(root, ["run", "--rm", "busybox", "echo", "hello"]), "hello\n");
  assert.deepEqual(psNames(), []);
  assert.deepEqual(mountsUnder(root), []);
});

test("exit codes: the container's own, 127 for a missing executable, 126 for one that cannot run", { skip }, () => {
  assert.equal(hoist(root, ["run", "--rm", "busybox", "sh", "-c", "exit 3"]).code, 3);
  assert.equal(hoist(root, ["run", "--rm", "busybox", "true"]).code, 0);
  const missing = hoist(root, ["run", "--rm", "busybox", "nosuchcmd"]);
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /executable file not found in \$PATH/);
  const notExec = hoist(root, ["run", "--rm", "busybox", "/etc/passwd"]);
  assert.equal(notExec.code, 126);
  assert.match(notExec.stderr, /permission denied/);
  assert.deepEqual(psNames(), [], "--rm removes containers whose start failed");
  // Without --rm a failed start leaves a complete container in Created state (docker's behaviour).
  assert.equal(hoist(root, ["run", "--name", "failed", "busybox", "nosuchcmd"]).code, 127);
  assert.equal(ok(root, ["ps", "-a", "--format", "{{.Names}} {{.Status}}"]).trim(), "failed Created");
  assert.equal(ok(root, ["inspect", "-f", "{{.State.ExitCode}}", "failed"]).trim(), "127");
  assert.equal(ok(root, ["rm", "failed"]), "failed\n");
  assert.deepEqual(mountsUnder(root), []);
});

test("ENTRYPOINT and CMD as docker combines them", { skip }, () => {
  ok(root, ["run", "--name", "ep", "busybox", "true"]);
  ok(root, ["commit", "-c", 'ENTRYPOINT ["echo", "ep"]', "-c", 'CMD ["default"]', "ep", "ep:1"]);
  ok(root, ["rm", "ep"]);
  assert.equal(ok(root, ["run", "--rm", "ep:1"]), "ep default\n");
  assert.equal(ok(root, ["run", "--rm", "ep:1", "given"]), "ep given\n");
  assert.equal(ok(root, ["run", "--rm", "--entrypoint", "echo", "ep:1", "other"]), "other\n");
  assert.equal(ok(root, ["run", "--rm", "--entrypoint", "/bin/echo", "ep:1"]), "\n", "--entrypoint clears CMD");
  ok(root, ["rmi", "ep:1"]);
});

test("a detached container outlives the CLI, shows in ps, stops, and ps -a shows its exit code", { skip }, () => {
  const id = ok(root, ["run", "-d", "--name", "sleeper", "busybox", "sleep", "300"]).trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  const row = ok(root, ["ps", "--format", "{{.ID}} {{.Image}} {{.Command}} {{.Status}} {{.Names}}"]).trim();
  assert.match(
    row,
    new RegExp(`^${id.slice(0, 12)} busybox "sleep 300" Up (Less than a second|\\d+ seconds?) sleeper$`),
  );
  assert.equal(ok(root, ["inspect", "-f", "{{.State.Running}}", "sleeper"]).trim(), "true");
  // The hostname is the short ID, as ps shows it.
  assert.equal(ok(root, ["exec", "sleeper", "hostname"]).trim(), id.slice(0, 12));
  assert.equal(hoist(root, ["exec", "sleeper", "sh", "-c", "exit 5"]).code, 5);
  assert.equal(ok(root, ["exec", "-i", "sleeper", "cat"], { input: "through stdin\n" }), "through stdin\n");
  assert.equal(hoist(root, ["exec", "sleeper", "nosuchcmd"]).code, 127);
  // sleep as PID 1 ignores SIGTERM: stop waits -t seconds, then kills.
  assert.equal(ok(root, ["stop", "-t", "1", "sleeper"]), "sleeper\n");
  assert.match(
    ok(root, ["ps", "-a", "--format", "{{.Names}} {{.Status}}"]).trim(),
    /^sleeper Exited \(137\) (Less than a second|\d+ seconds?) ago$/,
  );
  assert.deepEqual(psNames(false), []);
  ok(root, ["rm", "sleeper"]);
});

test("stop delivers the stop signal; start, restart, pause, unpause, kill, wait", { skip }, () => {
  ok(root, [
    "run",
    "-d",
    "--name",
    "trapper",
    "busybox",
    "sh",
    "-c",
    'trap "exit 42" TERM; while true; do sleep 0.1; done',
  ]);
  ok(root, ["stop", "trapper"]);
  assert.equal(ok(root, ["inspect", "-f", "{{.State.ExitCode}}", "trapper"]).trim(), "42");
  assert.equal(ok(root, ["start", "trapper"]), "trapper\n");
  assert.equal(ok(root, ["inspect", "-f", "{{.State.Status}}", "trapper"]).trim(), "running");
  ok(root, ["pause", "trapper"]);
  assert.match(ok(root, ["ps", "--format", "{{.Status}}"]), /\(Paused\)/);
  assert.match(hoist(root, ["pause", "trapper"]).stderr, /already paused/);
  ok(root, ["unpause", "trapper"]);
  assert.equal(ok(root, ["restart", "-t", "5", "trapper"]), "trapper\n");
  assert.equal(ok(root, ["inspect", "-f", "{{.State.Status}} {{.RestartCount}}", "trapper"]).trim(), "running 1");
  ok(root, ["kill", "trapper"]);
  assert.equal(ok(root, ["wait", "trapper"]), "137\n");
  const notRunning = hoist(root, ["kill", "trapper"]);
  assert.equal(notRunning.code, 1);
  assert.match(notRunning.stderr, /is not running/);
  ok(root, ["rm", "trapper"]);
});

test("logs -f follows a container until it exits; --tail and -t", { skip }, async () => {
  ok(root, [
    "run",
    "-d",
    "--name",
    "talker",
    "busybox",
    "sh",
    "-c",
    "for i in 1 2 3 4 5; do echo out $i; echo err $i >&2; sleep 0.2; done",
  ]);
  const follow = await new Promise<{ code: number; out: string; err: string }>((resolve) => {
    const child = spawn(hoistBin, ["--root", root, "logs", "-f", "talker"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("close", (code) => resolve({ code: code ?? -1, out, err }));
  });
  assert.equal(follow.code, 0);
  assert.equal(follow.out, "out 1\nout 2\nout 3\nout 4\nout 5\n");
  assert.equal(follow.err, "err 1\nerr 2\nerr 3\nerr 4\nerr 5\n");
  // The last two entries are "out 5" (stdout) and "err 5" (stderr), in either order.
  assert.equal(ok(root, ["logs", "--tail", "2", "talker"]), "out 5\n");
  assert.match(ok(root, ["logs", "-t", "--tail", "2", "talker"]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z out 5\n$/);
  ok(root, ["rm", "talker"]);
});

test(
  "-t gets a real pty: input echoes, the window size is passed on, Ctrl-C ends the container",
  { skip: skip || (have("script") ? false : "script is not installed") },
  async () => {
    const cmd = `${hoistBin} --root ${root} run --rm -it --init busybox sh -c 'stty size; cat'`;
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      const child = spawn("script", ["-qec", cmd, "/dev/null"], {
        stdio: ["pipe", "pipe", "pipe"],
        env: { ...process.env, COLUMNS: "100", LINES: "30" },
      });
      let out = "";
      let step = 0;
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (step === 0 && /\d+ \d+/.test(out)) {
          step = 1;
          child.stdin.write("hello pty\r");
        } else if (step === 1 && out.split("hello pty").length >= 3) {
          step = 2;
          child.stdin.write("\x03");
        }
      });
      child.on("close", (code) => resolve({ code: code ?? -1, out }));
      setTimeout(() => child.kill("SIGKILL"), 20_000).unref();
    });
    assert.match(r.out, /\d+ \d+/, "stty size works on the container's terminal");
    assert.ok(
      r.out.split("hello pty").length >= 3,
      `input is echoed by the tty and printed by cat: ${JSON.stringify(r.out)}`,
    );
    assert.equal(r.code, 130, "Ctrl-C (SIGINT through the tty) ends the container");
    assert.deepEqual(psNames(), []);
  },
);

test("cp both ways, diff, top, export of a running container", { skip }, () => {
  ok(root, ["run", "-d", "--name", "files", "busybox", "sh", "-c", "echo made > /made; sleep 300"]);
  const host = join(dir, "cp");
  mkdirSync(host, { recursive: true });
  writeFileSync(join(host, "in.txt"), "from host\n");
  ok(root, ["cp", join(host, "in.txt"), "files:/tmp/"]);
  assert.equal(ok(root, ["exec", "files", "cat", "/tmp/in.txt"]), "from host\n");
  ok(root, ["cp", "files:/etc/passwd", join(host, "passwd")]);
  assert.match(readFileSync(join(host, "passwd"), "utf8"), /^root:x:0:0/);
  ok(root, ["cp", "files:/etc", join(host, "etcdir")]);
  assert.match(readFileSync(join(host, "etcdir", "group"), "utf8"), /^root:x:0:/);
  const diff = ok(root, ["diff", "files"]);
  assert.match(diff, /^A \/made$/m);
  assert.match(diff, /^C \/tmp$/m);
  assert.match(diff, /^A \/tmp\/in.txt$/m);
  const top = ok(root, ["top", "files"]).split("\n");
  assert.match(top[0] ?? "", /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/);
  assert.ok(
    top.some((l) => l.includes("sleep 300")),
    top.join("\n"),
  );
  const missing = hoist(root, ["cp", "files:/nope", host]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Could not find the file \/nope in container files/);
  ok(root, ["rm", "-f", "files"]);
  // cp into and out of a stopped container works too.
  ok(root, ["create", "--name", "stopped", "busybox", "true"]);
  ok(root, ["cp", join(host, "in.txt"), "stopped:/in.txt"]);
  ok(root, ["cp", "stopped:/in.txt", join(host, "back.txt")]);
  assert.equal(readFileSync(join(host, "back.txt"), "utf8"), "from host\n");
  ok(root, ["rm", "stopped"]);
  assert.deepEqual(mountsUnder(root), []);
});

test("namespaces, /etc files, mounts and limits", { skip }, () => {
  const vol = join(dir, "vol");
  mkdirSync(vol, { recursive: true });
  writeFileSync(join(vol, "host.txt"), "on the host\n");
  const out = ok(root, [
    "run",
    "--rm",
    "--hostname",
    "boxy",
    "-e",
    "FOO=bar",
    "-w",
    "/srv/work",
    "-v",
    `${vol}:/mnt/vol:ro`,
    "--tmpfs",
    "/scratch",
    "--network",
    "none",
    "-m",
    "64m",
    "--pids-limit",
    "50",
    "busybox",
    "sh",
    "-c",
    'echo $(hostname) $FOO $(pwd) $HOME; cat /etc/hostname /mnt/vol/host.txt; touch /mnt/vol/x 2>/dev/null || echo ro; grep -c scratch /proc/mounts; ip -o link | wc -l; echo pid $$; grep -q "^127.0.0.1\\s*localhost" /etc/hosts && echo hosts; ulimit -n',
  ]);
  const lines = out.trim().split("\n");
  assert.equal(lines[0], "boxy bar /srv/work /root");
  assert.equal(lines[1], "boxy");
  assert.equal(lines[2], "on the host");
  assert.equal(lines[3], "ro");
  assert.equal(lines[4], "1");
  assert.equal(lines[5], "1", "--network none: only loopback");
  assert.equal(lines[6], "pid 1", "a new pid namespace");
  assert.equal(lines[7], "hosts");
  assert.ok(Number(lines[8]) <= 20000, "no rlimit above the host's hard limit");
  const user = ok(root, ["run", "--rm", "-u", "nobody", "busybox", "id"]).trim();
  assert.match(user, /^uid=65534\(nobody\) gid=65534\(nogroup\)/);
  const caps = ok(root, ["run", "--rm", "busybox", "grep", "CapBnd", "/proc/self/status"]).trim();
  assert.equal(caps, "CapBnd:\t00000000a80425fb", "docker's default capability set");
  // Masked paths read as empty; /proc/sys is read-only.
  const maskable = ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug"].find((p) => existsSync(p));
  if (maskable) assert.equal(ok(root, ["run", "--rm", "busybox", "sh", "-c", `wc -c < ${maskable}`]).trim(), "0");
  assert.equal(
    ok(root, ["run", "--rm", "busybox", "sh", "-c", "(echo x > /proc/sys/kernel/hostname) 2>&1 | grep -c Read-only"]),
    "1\n",
  );
  const ours = /CapBnd:\t(\w+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  assert.equal(
    ok(root, ["run", "--rm", "--privileged", "busybox", "grep", "CapBnd", "/proc/self/status"]).trim(),
    `CapBnd:\t${ours}`,
  );
});

test(
  "volumes: named ones persist, anonymous ones go with rm -v; --read-only, --cap-drop, -i, --network host",
  { skip },
  () => {
    ok(root, ["run", "--rm", "-v", "data1:/data", "busybox", "sh", "-c", "echo kept > /data/f"]);
    assert.equal(
      ok(root, ["run", "--rm", "--mount", "type=volume,source=data1,target=/mnt", "busybox", "cat", "/mnt/f"]),
      "kept\n",
    );
    // A new volume gets the image's content at its mount point.
    assert.match(ok(root, ["run", "--rm", "-v", "etcvol:/etc", "busybox", "cat", "/etc/passwd"]), /^root:x:0:0/);
    ok(root, ["create", "--name", "anon", "-v", "/scratch", "busybox", "true"]);
    ok(root, ["start", "anon"]);
    assert.equal(ok(root, ["wait", "anon"]), "0\n");
    const volume = ok(root, ["inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", "anon"]).trim();
    assert.match(volume, /^[0-9a-f]{64}$/);
    assert.ok(existsSync(join(root, "volumes", volume)));
    ok(root, ["rm", "-v", "anon"]);
    assert.ok(!existsSync(join(root, "volumes", volume)), "rm -v removes the anonymous volume");
    assert.ok(existsSync(join(root, "volumes", "data1")), "named volumes stay");
    const ro = hoist(root, ["run", "--rm", "--read-only", "busybox", "touch", "/x"]);
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /Read-only file system/);
    assert.equal(hoist(root, ["run", "--rm", "--cap-drop", "CHOWN", "busybox", "chown", "nobody", "/tmp"]).code, 1);
    assert.equal(
      ok(root, [
        "run",
        "--rm",
        "--cap-drop",
        "ALL",
        "--cap-add",
        "chown",
        "busybox",
        "grep",
        "CapBnd",
        "/proc/self/status",
      ]).trim(),
      "CapBnd:\t0000000000000001",
    );
    assert.equal(ok(root, ["run", "--rm", "-i", "busybox", "cat"], { input: "piped in\n" }), "piped in\n");
    assert.equal(ok(root, ["run", "--rm", "--network", "host", "busybox", "hostname"]).trim(), hostname());
    const envFile = join(dir, "env.list");
    writeFileSync(envFile, "# comment\nFROM_FILE=yes\n\nOVERRIDDEN=file\n");
    assert.equal(
      ok(root, [
        "run",
        "--rm",
        "--env-file",
        envFile,
        "-e",
        "OVERRIDDEN=flag",
        "busybox",
        "sh",
        "-c",
        "echo $FROM_FILE $OVERRIDDEN",
      ]),
      "yes flag\n",
    );
  },
);

test(
  "a monitor killed with kill -9: the container keeps running, ps shows it, stop ends it, nothing leaks",
  { skip },
  () => {
    ok(root, ["run", "-d", "--name", "orphan", "busybox", "sleep", "300"]);
    const pid = Number(ok(root, ["inspect", "-f", "{{.State.Pid}}", "orphan"]).trim());
    const monitor = Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[1]);
    assert.ok(monitor > 1);
    process.kill(monitor, "SIGKILL");
    assert.match(ok(root, ["ps", "--format", "{{.Names}} {{.Status}}"]), /^orphan Up/);
    ok(root, ["stop", "-t", "1", "orphan"]);
    assert.match(ok(root, ["ps", "-a", "--format", "{{.Names}} {{.Status}}"]), /^orphan Exited/);
    ok(root, ["rm", "orphan"]);
    assert.deepEqual(mountsUnder(root), []);
  },
);

test("bad input: unknown containers, name conflicts, running containers, images in use, bad specs", { skip }, () => {
  for (const args of [
    ["start", "nope"],
    ["stop", "nope"],
    ["rm", "nope"],
    ["logs", "nope"],
    ["exec", "nope", "true"],
    ["container", "inspect", "nope"],
  ]) {
    const r = hoist(root, args);
    assert.equal(r.code, 1, args.join(" "));
    assert.equal(r.stderr, "Error: No such container: nope\n", args.join(" "));
  }
  const id = ok(root, ["run", "-d", "--name", "taken", "busybox", "sleep", "300"]).trim();
  const conflict = hoist(root, ["run", "--name", "taken", "busybox", "true"]);
  assert.equal(conflict.code, 125);
  assert.equal(
    conflict.stderr,
    `Error: Conflict. The container name "/taken" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.\n`,
  );
  const running = hoist(root, ["rm", "taken"]);
  assert.equal(running.code, 1);
  assert.match(running.stderr, /container is running: stop the container before removing or force remove/);
  const inUse = hoist(root, ["rmi", "busybox"]);
  assert.equal(inUse.code, 1);
  assert.match(
    inUse.stderr,
    /conflict: unable to remove repository reference "busybox" \(must force\) - container [0-9a-f]{12} is using its referenced image/,
  );
  const imageId = ok(root, ["inspect", "-f", "{{.Image}}", "taken"]).trim();
  assert.match(
    hoist(root, ["rmi", "-f", imageId.slice(7)]).stderr,
    /cannot be forced\) - image is being used by running container/,
  );
  const before = psNames().length;
  for (const [flag, value, message] of [
    ["-v", "a:b:c:d", /invalid volume specification: 'a:b:c:d'/],
    ["-v", "/host:relative", /mount path must be absolute/],
    ["-v", "bad/name:/x", /includes invalid characters for a local volume name/],
    ["--mount", "type=bind,target=/x", /field Source must not be empty/],
    ["--mount", `type=bind,source=${join(dir, "missing")},target=/x`, /bind source path does not exist/],
    ["--mount", "type=nope,target=/x", /invalid mount type "nope"/],
    ["--mount", "type=tmpfs,source=x,target=/x", /field Source must not be specified/],
    ["-p", "80:abc", /invalid containerPort: abc/],
    ["-p", "80:81/xyz", /invalid proto: xyz/],
    ["--network", "nosuchnet", /network nosuchnet not found/],
  ] as const) {
    const r = hoist(root, ["run", "--rm", flag, value, "busybox", "true"]);
    assert.equal(r.code, 125, `${flag} ${value}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.equal(psNames().length, before, "nothing was created");
  ok(root, ["rm", "-f", "taken"]);
  assert.match(hoist(root, ["run", "--rm", "nosuch:image"]).stderr, /Unable to find image 'nosuch:image' locally/);
  if (have("crun")) {
    const crun = hoist(root, ["run", "--rm", "--runtime", "crun", "busybox", "true"]);
    if (crun.code !== 0) {
      assert.equal(crun.code, 125);
      assert.equal(crun.stderr.trim().split("\n").length, 1, `one clear line: ${crun.stderr}`);
      assert.match(crun.stderr, /^Error: runtime crun cannot run containers on this host: .*use --runtime runc/);
    }
  }
  assert.deepEqual(psNames(), []);
});

test("rm -v, container prune, system df and image prune keep what containers use", { skip }, () => {
  ok(root, ["create", "--name", "keep1", "-v", "/anon", "busybox", "true"]);
  ok(root, ["run", "--name", "done1", "busybox", "sh", "-c", "echo x > /file"]);
  assert.match(ok(root, ["system", "df"]), /^Containers\s+2\s+0\s+/m);
  ok(root, ["image", "prune", "-a", "-f"]);
  assert.match(
    ok(root, ["images", "--format", "{{.Repository}}"]),
    /busybox/,
    "images used by containers are not pruned",
  );
  const pruned = ok(root, ["container", "prune", "-f"]);
  assert.match(pruned, /^Deleted Containers:\n[0-9a-f]{64}\n[0-9a-f]{64}\n\nTotal reclaimed space: /);
  assert.deepEqual(psNames(), []);
});
