// A tar archive being written, to a file (a temp name beside it, renamed at finish) or to a Writable (stdout).
import { once } from "node:events";
import { open, rename, rm, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Writable } from "node:stream";
import { HoistError } from "../../errors.ts";
import { encodeEntryHeader, type TarHeaderInput } from "../../streams/index.ts";
import { fsyncDirectory } from "./fs-util.ts";

/** Where an archive is written: a file path, or a stream such as stdout. */
export type ArchiveTarget = string | Writable | NodeJS.WritableStream;

export interface ArchiveWriteOptions {
  /** Where layers of unknown size are spooled to learn it (default os.tmpdir()). */
  tmpDir?: string;
  /** End a stream target when the archive is complete (default: yes, except process.stdout and process.stderr). */
  end?: boolean;
}

/** Fixed times and owners: the same images give the same bytes. */
export const FIXED_MTIME = 0;
const BLOCK = 512;
const ZEROS = Buffer.alloc(BLOCK * 2);

interface Out {
  write(chunk: Buffer): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

export class TarOutput {
  readonly #target: ArchiveTarget;
  readonly #end: boolean;
  #out: Out | undefined;
  #broken: Error | undefined;
  #done = false;

  constructor(target: ArchiveTarget, options: ArchiveWriteOptions = {}) {
    this.#target = target;
    this.#end = options.end ?? (target !== process.stdout && target !== process.stderr);
  }

  /** A file entry with an in-memory body. */
  async file(name: string, body: Buffer): Promise<void> {
    await this.entry({ name, type: "file", size: body.length, mode: 0o644, mtime: FIXED_MTIME }, [body]);
  }

  async directory(name: string): Promise<void> {
    await this.entry({ name, type: "directory", mode: 0o755, mtime: FIXED_MTIME });
  }

  /**
   * One entry; the body must have exactly header.size bytes. `onChunk` sees every body chunk (to hash it).
   * A failure part-way leaves the archive broken: only abort() is possible afterwards.
   */
  async entry(
    header: TarHeaderInput,
    body?: AsyncIterable<Buffer> | Iterable<Buffer>,
    onChunk?: (c: Buffer) => void,
  ): Promise<void> {
    if (this.#broken)
      throw new HoistError("INTERNAL", "the archive is broken by an earlier failure", { cause: this.#broken });
    if (this.#done) throw new HoistError("INTERNAL", "the archive is already finished");
    const size = header.type === "file" ? (header.size ?? 0) : 0;
    try {
      const out = await this.#open();
      await out.write(encodeEntryHeader({ uid: 0, gid: 0, ...header }));
      let written = 0;
      if (body) {
        for await (const chunk of body) {
          written += chunk.length;
          if (written > size) break;
          onChunk?.(chunk);
          await out.write(chunk);
        }
      }
      if (written !== size)
        throw new HoistError(
          "SIZE_INVALID",
          `${header.name}: got ${written > size ? "more than " : ""}${written} bytes, expected ${size}`,
        );
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      if (pad > 0) await out.write(ZEROS.subarray(0, pad));
    } catch (e) {
      this.#broken = e as Error;
      throw e;
    }
  }

  /** Mark the archive broken (content already written turned out wrong); returns `e`. */
  fail(e: Error): Error {
    this.#broken ??= e;
    return e;
  }

  /** Write the end-of-archive marker and make the archive visible (rename into place, or end the stream). */
  async finish(): Promise<void> {
    if (this.#broken)
      throw new HoistError("INTERNAL", "the archive is broken by an earlier failure", { cause: this.#broken });
    const out = await this.#open();
    await out.write(ZEROS);
    await out.finish();
    this.#done = true;
  }

  /** Throw the archive away: the temp file is removed; a stream is left without its end marker. */
  async abort(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#out?.abort();
  }

  async #open(): Promise<Out> {
    this.#out ??= typeof this.#target === "string" ? await fileOut(this.#target) : streamOut(this.#target, this.#end);
    return this.#out;
  }
}

async function fileOut(path: string): Promise<Out> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let fh: FileHandle | undefined = await open(tmp, "wx", 0o644);
  const close = async () => {
    const h = fh;
    fh = undefined;
    await h?.close();
  };
  return {
    async write(chunk) {
      if (!fh) throw new HoistError("INTERNAL", "archive file closed");
      let off = 0;
      while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
    },
    async finish() {
      await fh?.sync();
      await close();
      await rename(tmp, path);
      await fsyncDirectory(dirname(path));
    },
    async abort() {
      await close().catch(() => undefined);
      await rm(tmp, { force: true });
    },
  };
}

function streamOut(stream: Writable | NodeJS.WritableStream, end: boolean): Out {
  const w = stream as Writable; // a NodeJS.WritableStream that is not a Writable lacks the state fields: they read as undefined
  let failed: Error | undefined;
  const onError = (e: Error) => (failed ??= e);
  w.on("error", onError);
  const check = () => {
    if (failed) throw new HoistError("IO", `writing the archive: ${failed.message}`, { cause: failed });
    if (w.destroyed === true || w.writableEnded === true)
      throw new HoistError("IO", "writing the archive: the output is closed");
  };
  const waitDrain = async () => {
    const ac = new AbortController();
    try {
      await Promise.race([once(w, "drain", { signal: ac.signal }), once(w, "close", { signal: ac.signal })]);
    } finally {
      ac.abort();
    }
  };
  return {
    async write(chunk) {
      check();
      if (!w.write(chunk)) await waitDrain();
      check();
    },
    async finish() {
      check();
      if (end) {
        w.end();
        if (w.writableFinished !== true) await once(w, "finish");
      } else if (w.writableNeedDrain === true) await waitDrain();
      if (failed) throw new HoistError("IO", `writing the archive: ${failed.message}`, { cause: failed });
      w.off("error", onError);
    },
    async abort() {
      w.off("error", onError);
    },
  };
}
