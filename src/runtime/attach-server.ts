// A detached container's attach socket, held by its monitor: any number of `hoist attach` clients get the
// container's output from the moment they connect, send its stdin and (with a tty) window sizes, and hear its
// exit code last. The wire format is in attach-protocol.ts.
import fs from "node:fs";
import net from "node:net";
import {
  attachAddress,
  exitFrame,
  frame,
  FrameReader,
  FRAME_RESIZE,
  FRAME_STDERR,
  FRAME_STDIN,
  FRAME_STDOUT,
} from "./attach-protocol.ts";

/** A client that reads this much slower than the container writes is dropped rather than buffered. */
const MAX_BACKLOG = 16 << 20;

export interface AttachTarget {
  /** Bytes for the container's stdin (absent: the container has none). */
  stdin?: (data: Buffer) => void;
  /** A new window size for the container's terminal (absent: no tty). */
  resize?: (rows: number, cols: number) => void;
}

export class AttachServer {
  private readonly address: string;
  private readonly server: net.Server;
  private readonly clients = new Set<net.Socket>();
  private listening = true;

  private constructor(address: string, target: AttachTarget) {
    this.address = address;
    // Half-open: a client whose stdin ended (it shut down its side) still gets the output and the exit code.
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket, target));
    this.server.on("error", () => {});
  }

  /** Listen on the container's attach address (a stale socket file from a killed monitor is replaced). */
  static async open(containerDir: string, id: string, target: AttachTarget): Promise<AttachServer> {
    const address = attachAddress(containerDir, id);
    if (!address.startsWith("\0")) fs.rmSync(address, { force: true });
    const s = new AttachServer(address, target);
    await new Promise<void>((resolve, reject) => {
      s.server.once("error", reject);
      s.server.listen(address, () => {
        s.server.removeListener("error", reject);
        resolve();
      });
    });
    if (!address.startsWith("\0")) fs.chmodSync(address, 0o600);
    return s;
  }

  private accept(socket: net.Socket, target: AttachTarget): void {
    this.clients.add(socket);
    socket.on("error", () => socket.destroy());
    socket.once("close", () => this.clients.delete(socket));
    const reader = new FrameReader((type, payload) => {
      if (type === FRAME_STDIN) target.stdin?.(payload);
      else if (type === FRAME_RESIZE && payload.length >= 4) {
        const rows = payload.readUInt16BE(0);
        const cols = payload.readUInt16BE(2);
        if (rows > 0 && cols > 0) target.resize?.(rows, cols);
      }
    });
    socket.on("data", (chunk: Buffer) => reader.push(chunk));
  }

  /** The container's output, to every client attached now. */
  output(stream: "stdout" | "stderr", chunk: Buffer): void {
    if (this.clients.size === 0) return;
    const f = frame(stream === "stdout" ? FRAME_STDOUT : FRAME_STDERR, chunk);
    for (const c of this.clients) {
      if (c.writableLength > MAX_BACKLOG) c.destroy();
      else c.write(f);
    }
  }

  /** The container ended: tell the clients its exit code, and stop listening. */
  async finish(code: number): Promise<void> {
    this.close();
    const ends = [...this.clients].map(
      (c) =>
        new Promise<void>((resolve) => {
          c.once("close", () => resolve());
          c.end(exitFrame(code));
          setTimeout(() => c.destroy(), 2000).unref();
        }),
    );
    await Promise.all(ends);
  }

  /** Stop listening (clients already connected stay until finish). */
  close(): void {
    if (!this.listening) return;
    this.listening = false;
    this.server.close();
    if (!this.address.startsWith("\0")) fs.rmSync(this.address, { force: true });
  }
}
