// hoist attach / container attach [--detach-keys] [--no-stdin] [--sig-proxy] CONTAINER: connect this terminal
// to a detached container through its monitor's attach socket (runtime/attach-server.ts). The detach keys
// (default ctrl-p,ctrl-q) leave the container running; otherwise this ends with the container's exit code.
import net from "node:net";
import { HoistError } from "../../errors.ts";
import {
  attachAddress,
  EscapeProxy,
  frame,
  FrameReader,
  FRAME_EXIT,
  FRAME_STDERR,
  FRAME_STDIN,
  FRAME_STDOUT,
  parseDetachKeys,
  resizeFrame,
} from "../../runtime/attach-protocol.ts";
import type { Engine } from "../../runtime/engine.ts";
import { findActive, waitForExit } from "../../runtime/lifecycle.ts";
import type { ContainerRecord } from "../../store/containers.ts";
import type { CommandModule } from "../command.ts";
import { checkTty, makeRaw } from "./container-attach.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "attach",
  aliases: ["container attach"],
  usage: "attach [OPTIONS] CONTAINER",
  description: "Attach local standard input, output, and error streams to a running container",
  flags: [
    { name: "detach-keys", type: "string", description: "Override the key sequence for detaching a container" },
    { name: "no-stdin", type: "bool", description: "Do not attach STDIN" },
    { name: "sig-proxy", type: "bool", default: true, description: "Proxy all received signals to the process" },
  ],
  args: { exact: 1 },
};

const DEFAULT_DETACH_KEYS = "ctrl-p,ctrl-q";
const proxied: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"];

function plain(message: string): HoistError {
  return Object.assign(new HoistError("CONFLICT", message), { plain: true });
}

function connect(address: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.createConnection(address);
    s.once("connect", () => {
      s.removeListener("error", reject);
      resolve(s);
    });
    s.once("error", reject);
  });
}

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const engine = openEngine(ctx);
  const c = await findActive(engine, args[0] as string);
  if (c.State.Status === "paused") throw plain("You cannot attach to a paused container, unpause it first");
  if (c.State.Status !== "running") throw plain("You cannot attach to a stopped container, start it first");
  const noStdin = flags.bool("no-stdin");
  checkTty(ctx, c.Config.Tty, !noStdin);
  const keysFlag = flags.string("detach-keys");
  let keys: Buffer;
  try {
    keys = parseDetachKeys(keysFlag || DEFAULT_DETACH_KEYS);
  } catch {
    throw new HoistError("INVALID_ARGUMENT", `Invalid detach keys (${keysFlag}) provided`);
  }
  const socket = await connect(attachAddress(engine.dir(c.Id), c.Id)).catch(() => {
    throw new HoistError("CONFLICT", `cannot attach to container ${args[0]}: it was not started detached`);
  });
  const r = await attachSession(socket, c, {
    stdin: !noStdin && c.Config.OpenStdin,
    sigProxy: flags.bool("sig-proxy") && !c.Config.Tty,
    keys,
  });
  if (r.detached) {
    ctx.io.err("read escape sequence\n");
    return 1;
  }
  return r.code ?? (await exitCodeAfter(engine, c.Id));
};

/** The monitor went away without saying how the container ended: the record does. */
async function exitCodeAfter(engine: Engine, id: string): Promise<number> {
  const r = await waitForExit(engine, id, 10_000);
  return r.record?.State.ExitCode ?? 1;
}

interface Session {
  stdin: boolean;
  sigProxy: boolean;
  keys: Buffer;
}

/** Copies until the container exits (its code), the socket closes, or the detach keys are typed. */
function attachSession(
  socket: net.Socket,
  c: ContainerRecord,
  o: Session,
): Promise<{ code?: number; detached: boolean }> {
  const stdout = process.stdout;
  stdout.removeAllListeners("error");
  stdout.on("error", () => {});
  const stdin = process.stdin;
  let code: number | undefined;
  let raw = false;
  let finished = false;
  const escape = new EscapeProxy(o.keys);
  return new Promise((resolve) => {
    const onResize = (): void => void socket.write(resizeFrame(stdout.rows, stdout.columns));
    const forward = (sig: NodeJS.Signals): void => {
      try {
        if (c.State.Pid > 0) process.kill(c.State.Pid, sig);
      } catch {
        /* gone */
      }
    };
    const onInput = (d: Buffer): void => {
      const r = escape.feed(d);
      if (r.data.length) socket.write(frame(FRAME_STDIN, r.data));
      if (r.detached) done(true);
    };
    const done = (detached: boolean): void => {
      if (finished) return;
      finished = true;
      if (raw) stdin.setRawMode(false);
      raw = false;
      stdin.removeListener("data", onInput);
      stdin.pause();
      stdout.removeListener("resize", onResize);
      for (const s of proxied) process.removeListener(s, forward);
      socket.destroy();
      resolve({ ...(code !== undefined ? { code } : {}), detached });
    };
    const reader = new FrameReader((type, payload) => {
      if (type === FRAME_STDOUT) stdout.write(payload);
      else if (type === FRAME_STDERR) process.stderr.write(payload);
      else if (type === FRAME_EXIT && payload.length >= 4) code = payload.readInt32BE(0);
    });
    socket.on("data", (chunk: Buffer) => reader.push(chunk));
    socket.on("error", () => {});
    socket.once("close", () => done(false));
    if (c.Config.Tty && stdout.isTTY) {
      onResize();
      stdout.on("resize", onResize);
    }
    if (o.sigProxy)
      for (const s of proxied) {
        process.removeAllListeners(s);
        process.on(s, forward);
      }
    if (o.stdin) {
      if (c.Config.Tty && stdin.isTTY) {
        makeRaw(stdin);
        raw = true;
      }
      stdin.on("data", onInput);
      stdin.resume();
    }
  });
}
