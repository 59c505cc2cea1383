// Moving bytes between files and streams quickly: pooled reads into a writable, complete vectored writes.
import type { FileHandle } from "node:fs/promises";
import type { Writable } from "node:stream";

const chunkSize = 1 << 20;
const poolSize = 4;

/** Copies bytes start..end (inclusive) of a file into a writable with a small pool of reused buffers, then ends it. */
export function pump(fh: FileHandle, out: Writable, start: number, end: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const free = Array.from({ length: poolSize }, () => Buffer.allocUnsafeSlow(chunkSize));
    let position = start;
    let reading = false;
    let finished = false;
    const stop = (e?: Error): void => {
      if (finished) return;
      finished = true;
      out.off("close", onClose);
      if (e) {
        out.destroy(e);
        reject(e);
      } else out.end(() => resolve());
    };
    const onClose = (): void => {
      if (finished) return;
      finished = true;
      reject(new Error("the client closed the connection"));
    };
    out.on("close", onClose);
    const next = (): void => {
      if (reading || finished) return;
      if (position > end) {
        stop();
        return;
      }
      const buf = free.pop();
      if (!buf) return;
      reading = true;
      fh.read(buf, 0, Math.min(chunkSize, end - position + 1), position).then(
        ({ bytesRead }) => {
          reading = false;
          if (finished) return;
          if (bytesRead === 0) {
            stop(new Error("file shorter than expected"));
            return;
          }
          position += bytesRead;
          out.write(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead), (err) => {
            if (err) return;
            free.push(buf);
            next();
          });
          next();
        },
        (e: Error) => {
          reading = false;
          stop(e);
        },
      );
    };
    next();
  });
}

/** writev until every byte is written (writev may write less than asked). */
export async function writeAll(fh: FileHandle, buffers: Uint8Array[], position: number): Promise<void> {
  let rest = buffers;
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest, position);
    position += bytesWritten;
    let skip = bytesWritten;
    const next: Uint8Array[] = [];
    for (const b of rest) {
      if (skip >= b.byteLength) {
        skip -= b.byteLength;
        continue;
      }
      next.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
    rest = next;
  }
}
