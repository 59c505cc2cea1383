// The attach socket's wire format, shared by a detached container's monitor (attach-server.ts) and
// `hoist attach`. Every message in either direction is a frame: 1 byte type, 3 zero bytes, uint32 BE length,
// payload (docker's stdcopy header). Monitor → client: 1 stdout, 2 stderr (a tty's output is all stdout),
// 3 exit (int32 BE exit code; the monitor closes after it). Client → monitor: 0 stdin data,
// 4 resize (uint16 BE rows, uint16 BE cols).
import { join } from "node:path";

export const FRAME_STDIN = 0;
export const FRAME_STDOUT = 1;
export const FRAME_STDERR = 2;
export const FRAME_EXIT = 3;
export const FRAME_RESIZE = 4;

const HEADER = 8;
/** sun_path is 108 bytes with its terminating NUL. */
const SUN_PATH_MAX = 107;

/** The socket's address: `<container dir>/attach.sock`, or an abstract name when that path is too long. */
export function attachAddress(containerDir: string, id: string): string {
  const path = join(containerDir, "attach.sock");
  return Buffer.byteLength(path) <= SUN_PATH_MAX ? path : `\0hoist-attach-${id}`;
}

export function frame(type: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

export function exitFrame(code: number): Buffer {
  const p = Buffer.alloc(4);
  p.writeInt32BE(code);
  return frame(FRAME_EXIT, p);
}

export function resizeFrame(rows: number, cols: number): Buffer {
  const p = Buffer.alloc(4);
  p.writeUInt16BE(Math.min(rows, 0xffff));
  p.writeUInt16BE(Math.min(cols, 0xffff), 2);
  return frame(FRAME_RESIZE, p);
}

/** Splits a byte stream into frames. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private readonly onFrame: (type: number, payload: Buffer) => void;

  constructor(onFrame: (type: number, payload: Buffer) => void) {
    this.onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= HEADER) {
      const len = this.buf.readUInt32BE(4);
      if (this.buf.length < HEADER + len) break;
      const type = this.buf[0] as number;
      const payload = this.buf.subarray(HEADER, HEADER + len);
      this.buf = this.buf.subarray(HEADER + len);
      this.onFrame(type, payload);
    }
  }
}

/** docker's key-sequence syntax: comma-separated keys, each one character or `ctrl-<a-z@[\]^_>`. */
export function parseDetachKeys(keys: string): Buffer {
  const codes: number[] = [];
  for (const key of keys.split(",")) {
    if (key.length === 1) {
      codes.push(key.charCodeAt(0));
      continue;
    }
    const m = /^ctrl-(.)$/i.exec(key);
    const c = m?.[1]?.toLowerCase();
    if (c === undefined) throw new Error(`Unknown character: '${key}'`);
    // ctrl-a..ctrl-z are 1..26; ctrl-@ is 0, ctrl-[ ctrl-\ ctrl-] ctrl-^ ctrl-_ are 27..31.
    const other = "@[\\]^_".indexOf(c);
    if (c >= "a" && c <= "z") codes.push(c.charCodeAt(0) - 96);
    else if (other === 0) codes.push(0);
    else if (other > 0) codes.push(other + 26);
    else throw new Error(`Unknown character: '${key}'`);
  }
  return Buffer.from(codes);
}

/** Watches input for the detach sequence (moby/term's escape proxy): bytes that start the sequence are held
 * back until it completes (→ `detached`) or breaks (→ passed on). */
export class EscapeProxy {
  private readonly keys: Buffer;
  private pos = 0;

  constructor(keys: Buffer) {
    this.keys = keys;
  }

  /** What to pass on from `chunk`, and whether the sequence completed in it. */
  feed(chunk: Buffer): { data: Buffer; detached: boolean } {
    const out: number[] = [];
    for (const b of chunk) {
      if (this.keys.length > 0 && b === this.keys[this.pos]) {
        this.pos++;
        if (this.pos === this.keys.length) return { data: Buffer.from(out), detached: true };
        continue;
      }
      if (this.pos > 0) {
        for (let i = 0; i < this.pos; i++) out.push(this.keys[i] as number);
        this.pos = 0;
        if (this.keys.length > 0 && b === this.keys[0]) {
          this.pos = 1;
          if (this.pos === this.keys.length) return { data: Buffer.from(out), detached: true };
          continue;
        }
      }
      out.push(b);
    }
    return { data: Buffer.from(out), detached: false };
  }
}
