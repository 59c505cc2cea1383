// Running a container in the foreground: this process is its monitor. The terminal goes raw for -it,
// window sizes follow the terminal, and (--sig-proxy) signals reach the container's PID 1.
import { spawnSync } from "node:child_process";
import { HoistError } from "../../errors.ts";
import type { Engine } from "../../runtime/engine.ts";
import { startContainer } from "../../runtime/lifecycle.ts";
import type { AttachIo } from "../../runtime/monitor.ts";
import type { Context } from "../command.ts";

/** The terminal in raw mode with output processing off too (Node's raw mode keeps ONLCR, which would turn
 * the container's "\n" into "\r\n" a second time); setRawMode(false) restores all of it. */
export function makeRaw(stdin: NodeJS.ReadStream): void {
  stdin.setRawMode(true);
  spawnSync("stty", ["-opost"], { stdio: ["inherit", "ignore", "ignore"] });
}

const proxied: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"];

export interface AttachOptions {
  tty: boolean;
  stdin: boolean;
  sigProxy: boolean;
  lockFd?: number;
}

/** Check what an attached -it needs before anything is created. */
export function checkTty(ctx: Context, tty: boolean, stdin: boolean): void {
  if (tty && stdin && !(ctx.io.stdin as NodeJS.ReadStream).isTTY)
    throw new HoistError("INVALID_ARGUMENT", "the input device is not a TTY");
}

export async function runAttached(ctx: Context, engine: Engine, id: string, o: AttachOptions): Promise<number> {
  const stdout = process.stdout;
  // The container's output is copied here: a reader that goes away must not end the monitor abruptly.
  stdout.removeAllListeners("error");
  const stdin = process.stdin;
  const attach: AttachIo = { stdout, stderr: process.stderr };
  let raw = false;
  if (o.tty) {
    if (o.stdin) {
      attach.stdin = stdin;
      if (stdin.isTTY) {
        makeRaw(stdin);
        raw = true;
      }
    }
    if (stdout.isTTY) {
      attach.size = () => ({ rows: stdout.rows, cols: stdout.columns });
      attach.onResize = (listener) => void stdout.on("resize", listener);
    }
  } else if (o.stdin) attach.stdin = stdin;
  let pid = 0;
  const forward = (sig: NodeJS.Signals): void => {
    if (!o.sigProxy || pid <= 0) return;
    try {
      process.kill(pid, sig);
    } catch {
      /* gone */
    }
  };
  for (const s of proxied) {
    process.removeAllListeners(s);
    process.on(s, forward);
  }
  try {
    const code = await startContainer(engine, id, {
      attached: true,
      ...(o.lockFd !== undefined ? { lockFd: o.lockFd } : {}),
      attach,
      onStarted: (p) => {
        pid = p;
        if (attach.stdin) stdin.resume();
      },
    });
    return code ?? 0;
  } finally {
    if (raw) stdin.setRawMode(false);
    stdin.pause();
    for (const s of proxied) process.removeListener(s, forward);
  }
}
