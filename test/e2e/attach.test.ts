// `hoist attach` to detached containers through their monitor's attach socket: output from the moment of
// attaching (stdout and stderr apart), stdin, a real pty with window sizes and the detach keys, signals,
// the container's exit code, and docker's errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { join } from "node:path";
import { busyboxTar, have, hoist, hoistBin, ok, removeDir, tempDir, removeAllContainers } from "./helpers.ts";

const runc = have("runc");
const skip = runc ? false : "runc is not installed (scripts/setup installs it)";
const skipPty = skip || (have("script") ? false : "script is not installed");
let dir = "";
let root = "";

before(() => {
  if (!runc) return;
  dir = tempDir("hoist-attach-");
  root = join(dir, "root");
  ok(root, ["import", "-c", 'CMD ["sh"]', busyboxTar(), "busybox:latest"]);
});

after(() => {
  if (!runc) return;
  removeAllContainers(root);
  removeDir(dir);
});

interface Attached {
  code: number;
  out: string;
  err: string;
}

/** `hoist attach` with pipes; `onOut` sees the output so far and may write to its stdin or signal it. */
function attach(
  args: string[],
  onOut: (out: string, child: ReturnType<typeof spawn>) => void = () => {},
  input?: string,
): Promise<Attached> {
  return new Promise((resolve) => {
    const child = spawn(hoistBin, ["--root", root, "attach", ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      onOut(out, child);
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    if (input !== undefined) child.stdin.end(input);
    child.on("close", (code) => resolve({ code: code ?? -1, out, err }));
    setTimeout(() => child.kill("SIGKILL"), 20_000).unref();
  });
}

/** `hoist CMD` under a real pty (`script`): `steps` are [output to wait for, keys to type then]. */
function underPty(cmd: string, steps: [RegExp, string][]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    // script's terminal has no size of its own: give it 30x100.
    const line = `stty rows 30 cols 100; ${hoistBin} --root ${root} ${cmd}`;
    const child = spawn("script", ["-qec", line, "/dev/null"], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let seen = 0;
    let step = 0;
    const next = (): void => {
      const s = steps[step];
      if (!s || !s[0].test(out.slice(seen))) return;
      seen = out.length;
      step++;
      child.stdin.write(s[1]);
    };
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      next();
    });
    // The first step may need no output (a shell prints its prompt only after a newline).
    setTimeout(next, 300);
    child.on("close", (code) => resolve({ code: code ?? -1, out }));
    setTimeout(() => child.kill("SIGKILL"), 20_000).unref();
  });
}

function status(name: string): string {
  return ok(root, ["ps", "-a", "--filter", `name=^${name}$`, "--format", "{{.Status}}"]).trim();
}

test(
  "attach to a detached non-tty container: later output, stdout and stderr apart, its exit code",
  { skip },
  async () => {
    ok(root, [
      "run",
      "-d",
      "--name",
      "counter",
      "busybox",
      "sh",
      "-c",
      "i=0; while [ $i -lt 50 ]; do echo line$i; echo err$i >&2; i=$((i+1)); sleep 0.1; done; exit 7",
    ]);
    const r = await attach(["counter"]);
    assert.equal(r.code, 7, r.err);
    assert.match(r.out, /^line\d+\n/, "output starts at a whole line");
    assert.match(r.out, /line49\n$/);
    assert.doesNotMatch(r.out, /^line0$/m, "only what was written after attaching");
    assert.doesNotMatch(r.out, /err/, "stderr stays on stderr");
    assert.match(r.err, /err49\n$/);
    assert.match(status("counter"), /^Exited \(7\)/);
    ok(root, ["rm", "counter"]);
  },
);

test("attach sends stdin to a -i container; several clients at once", { skip }, async () => {
  // The container ticks until its stdin has a line, so the watcher can tell it is attached before the line is sent.
  const script = "while ! read -t 1 x; do echo tick; done; echo got:$x; exit 0";
  ok(root, ["run", "-di", "--name", "reader", "busybox", "sh", "-c", script]);
  let attached: () => void = () => {};
  const ticking = new Promise<void>((resolve) => (attached = resolve));
  const watcher = attach(["--no-stdin", "reader"], (out) => {
    if (out.includes("tick\n")) attached();
  });
  await ticking;
  const r = await attach(["reader"], undefined, "hello\n");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^(tick\n)*got:hello\n$/);
  const w = await watcher;
  assert.equal(w.code, 0, w.err);
  assert.match(w.out, /^(tick\n)+got:hello\n$/);
  ok(root, ["rm", "reader"]);
});

test("--sig-proxy passes SIGINT on to a non-tty container", { skip }, async () => {
  ok(root, [
    "run",
    "-d",
    "--name",
    "trapper",
    "busybox",
    "sh",
    "-c",
    "trap 'echo got-int; exit 5' INT; while true; do echo tick; sleep 0.1; done",
  ]);
  let sent = false;
  // The first tick that arrives means the client is attached and proxying.
  const r = await attach(["trapper"], (_out, child) => {
    if (!sent) {
      sent = true;
      child.kill("SIGINT");
    }
  });
  assert.equal(r.code, 5, r.err);
  assert.match(r.out, /got-int/);
  ok(root, ["rm", "trapper"]);
});

test(
  "attach with a tty: typing, window size, ctrl-p ctrl-q detaches and leaves it running",
  { skip: skipPty },
  async () => {
    ok(root, ["run", "-dit", "--name", "tty1", "busybox", "sh"]);
    const first = await underPty("attach tty1", [
      [/(?:)/, "echo hi-$((1+1)); stty size\r"],
      [/hi-2[\s\S]*\d+ \d+/, "\x10\x11"],
    ]);
    assert.match(first.out, /hi-2/, JSON.stringify(first.out));
    assert.match(first.out, /30 100/, "the window size of the attaching terminal");
    assert.match(first.out, /read escape sequence/);
    assert.equal(first.code, 1, "docker exits 1 after the detach keys");
    assert.match(status("tty1"), /^Up /, "detaching leaves the container running");
    const custom = await underPty("attach --detach-keys ctrl-x,x tty1", [
      [/(?:)/, "echo again-$((2+1))\r"],
      [/again-3/, "\x18x"],
    ]);
    assert.match(custom.out, /again-3/, JSON.stringify(custom.out));
    assert.equal(custom.code, 1);
    assert.match(status("tty1"), /^Up /);
    const last = await underPty("attach tty1", [[/(?:)/, "exit 4\r"]]);
    assert.equal(last.code, 4, JSON.stringify(last.out));
    assert.match(status("tty1"), /^Exited \(4\)/);
    ok(root, ["rm", "tty1"]);
  },
);

test(
  "window size changes reach the container (tmux)",
  { skip: skip || (have("tmux") ? false : "tmux is not installed") },
  async () => {
    ok(root, ["run", "-dit", "--network", "none", "--name", "winch", "busybox", "sh"]);
    const socket = `hoist-attach-test-${process.pid}`;
    const tmux = (...a: string[]): string => spawnSync("tmux", ["-L", socket, ...a], { encoding: "utf8" }).stdout;
    const pane = (): string => tmux("capture-pane", "-p", "-t", "att");
    const until = async (re: RegExp): Promise<void> => {
      for (let i = 0; i < 100 && !re.test(pane()); i++) await sleep(100);
    };
    try {
      tmux(
        "new-session",
        "-d",
        "-s",
        "att",
        "-x",
        "100",
        "-y",
        "30",
        `${hoistBin} --root ${root} attach winch; echo rc=$?; sleep 60`,
      );
      await sleep(500);
      tmux("send-keys", "-t", "att", "stty size", "Enter");
      await until(/^30 100$/m);
      tmux("resize-window", "-t", "att", "-x", "120", "-y", "40");
      await sleep(300);
      tmux("send-keys", "-t", "att", "stty size", "Enter");
      await until(/^40 120$/m);
      tmux("send-keys", "-t", "att", "C-p", "C-q");
      await until(/rc=1/);
      const screen = pane();
      assert.match(screen, /^30 100$/m, screen);
      assert.match(screen, /^40 120$/m, screen);
      assert.match(screen, /read escape sequence\s+rc=1/, screen);
      assert.match(status("winch"), /^Up /);
    } finally {
      tmux("kill-server");
      hoist(root, ["rm", "-f", "winch"]);
    }
  },
);

test("attach errors: a stopped container, an unknown one, a tty without a terminal", { skip }, () => {
  ok(root, ["create", "--name", "idle", "busybox", "true"]);
  const stopped = hoist(root, ["attach", "idle"]);
  assert.equal(stopped.code, 1);
  assert.equal(stopped.stderr, "You cannot attach to a stopped container, start it first\n");
  const unknown = hoist(root, ["container", "attach", "nosuch"]);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr, "Error: No such container: nosuch\n");
  ok(root, ["run", "-dit", "--name", "ttyless", "busybox", "sh"]);
  const notTty = hoist(root, ["attach", "ttyless"]);
  assert.equal(notTty.code, 1);
  assert.match(notTty.stderr, /the input device is not a TTY/);
  ok(root, ["rm", "-f", "idle", "ttyless"]);
});
