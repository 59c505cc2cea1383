// Terminals for -t: the runtime sends the pty master it made over a console socket (an abstract unix socket,
// so no path length limits and nothing to clean up); the relay copies between it and the caller's terminal
// and passes window sizes on.
import fs from "node:fs";
import tty from "node:tty";
import { setTimeout as sleep } from "node:timers/promises";
import { native } from "../native.ts";

export class ConsoleSocket {
  readonly name: string;
  private fd: number | undefined;

  constructor(tag: string) {
    this.name = `hoist-console-${tag}-${process.pid}-${Date.now().toString(36)}`;
    this.fd = native().consoleListen(this.name);
  }

  /** What to pass as --console-socket. */
  get address(): string {
    return `@${this.name}`;
  }

  /** The pty master, once the runtime has sent it (it is queued before `runtime run/exec --detach` exits). */
  async accept(timeoutMs = 2000): Promise<number | undefined> {
    if (this.fd === undefined) return undefined;
    const deadline = Date.now() + timeoutMs;
    for (let wait = 1; Date.now() < deadline; wait = Math.min(wait * 2, 20)) {
      const master = native().consoleAccept(this.fd);
      if (master >= 0) {
        this.close();
        return master;
      }
      await sleep(wait);
    }
    return undefined;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

export interface TerminalSide {
  /** Keystrokes for the container (the caller put its terminal in raw mode). */
  stdin?: NodeJS.ReadableStream;
  size?: () => { rows: number; cols: number } | undefined;
  onResize?: (listener: () => void) => void;
}

/** Copies a pty master's output to `onOutput` and the caller's keystrokes into it. */
export class PtyRelay {
  readonly ended: Promise<void>;
  private master: number | undefined;
  private readonly input: tty.ReadStream;
  private output: tty.WriteStream | undefined;
  private readonly stdin: NodeJS.ReadableStream | undefined;
  private readonly onStdin = (d: Buffer): void => void this.output?.write(d);

  constructor(master: number, side: TerminalSide, onOutput: (chunk: Buffer, source: NodeJS.ReadableStream) => void) {
    this.master = master;
    const size = side.size?.();
    // A terminal that reports no size (e.g. `script` without one) gets the classic 80x24.
    native().setWinsize(master, size?.rows || 24, size?.cols || 80);
    side.onResize?.(() => {
      const s = side.size?.();
      if (s?.rows && s.cols && this.master !== undefined) native().setWinsize(this.master, s.rows, s.cols);
    });
    const input = new tty.ReadStream(master);
    this.input = input;
    input.on("data", (chunk: Buffer) => onOutput(chunk, input));
    this.ended = new Promise((resolve) => {
      // The last process holding the pty's other side exits: EIO (Linux), end or close.
      input.once("error", () => resolve());
      input.once("end", () => resolve());
      input.once("close", () => resolve());
    });
    if (side.stdin) {
      this.openOutput(master);
      this.stdin = side.stdin;
      side.stdin.on("data", this.onStdin);
    }
  }

  private openOutput(master: number): tty.WriteStream {
    const out = new tty.WriteStream(native().dup(master));
    out.on("error", () => {});
    this.output = out;
    return out;
  }

  /** Keystrokes from elsewhere (an attach client of a detached container). */
  write(data: Buffer): void {
    if (this.master === undefined) return;
    (this.output ?? this.openOutput(this.master)).write(data);
  }

  /** A new window size from elsewhere (an attach client). */
  resize(rows: number, cols: number): void {
    if (this.master !== undefined) native().setWinsize(this.master, rows, cols);
  }

  close(): void {
    this.stdin?.removeListener("data", this.onStdin);
    this.input.destroy();
    this.output?.destroy();
    this.master = undefined;
  }
}
