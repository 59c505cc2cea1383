// The filesystem storage driver: keys are paths under a root; writes go to a temp file, then fsync, then rename.
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, readdir, rename, rm, stat, truncate, utimes } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { errnoCode } from "../../errors.ts";
import { native } from "../../native.ts";
import { pump, writeAll } from "./file-io.ts";
import { KeyedMutex } from "./mutex.ts";
import { LockTimeout, OffsetMismatch } from "./driver.ts";
import type { AppendOptions, FileInfo, ReadOptions, StorageDriver } from "./driver.ts";

export interface FilesystemDriverOptions {
  /** fsync data before it becomes visible (default true). */
  fsync?: boolean;
}

const safeKey = /^[A-Za-z0-9_.:+=-]+(?:\/[A-Za-z0-9_.:+=-]+)*$/;

export class FilesystemDriver implements StorageDriver {
  readonly name = "filesystem";
  readonly root: string;
  readonly #fsync: boolean;
  #tmpReady = false;
  readonly #local = new KeyedMutex();

  constructor(root: string, options: FilesystemDriverOptions = {}) {
    this.root = root;
    this.#fsync = options.fsync ?? true;
  }

  #path(key: string): string {
    if (!safeKey.test(key) || key.split("/").some((c) => c === "." || c === ".."))
      throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
    return join(this.root, key);
  }

  async getContent(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.#path(key));
    } catch (e) {
      if (missing(e)) return undefined;
      throw e;
    }
  }

  async putContent(key: string, data: string | Uint8Array, options: { durable?: boolean } = {}): Promise<void> {
    const tmp = await this.#tempFile();
    const fh = await open(tmp, "w");
    try {
      await fh.writeFile(data);
      if (this.#fsync && options.durable !== false) await fh.datasync();
    } finally {
      await fh.close();
    }
    await this.#rename(tmp, this.#path(key));
  }

  async stat(key: string): Promise<FileInfo | undefined> {
    try {
      const s = await stat(this.#path(key));
      return { size: s.size, modTime: s.mtime, isDir: s.isDirectory() };
    } catch (e) {
      if (missing(e)) return undefined;
      throw e;
    }
  }

  async list(key: string): Promise<string[]> {
    try {
      return await readdir(this.#path(key));
    } catch (e) {
      if (missing(e)) return [];
      throw e;
    }
  }

  async delete(key: string): Promise<boolean> {
    const path = this.#path(key);
    try {
      await stat(path);
    } catch (e) {
      if (missing(e)) return false;
      throw e;
    }
    // Rename first so a half-deleted directory is never visible under its key.
    const tmp = await this.#tempFile();
    try {
      await rename(path, tmp);
    } catch (e) {
      if (missing(e)) return false;
      throw e;
    }
    await rm(tmp, { recursive: true, force: true });
    return true;
  }

  async move(from: string, to: string): Promise<void> {
    const src = this.#path(from);
    if (this.#fsync) {
      const fh = await open(src, "r");
      try {
        await fh.datasync();
      } finally {
        await fh.close();
      }
    }
    await this.#rename(src, this.#path(to));
  }

  async reader(key: string, options: ReadOptions = {}): Promise<Readable | undefined> {
    let fh: FileHandle;
    try {
      fh = await open(this.#path(key), "r");
    } catch (e) {
      if (missing(e)) return undefined;
      throw e;
    }
    const opts: { start?: number; end?: number; highWaterMark: number } = { highWaterMark: 1 << 20 };
    if (options.start !== undefined) opts.start = options.start;
    if (options.end !== undefined) opts.end = options.end;
    return createReadStream("", { ...opts, fd: fh });
  }

  /**
   * Reads into a few recycled buffers, each reused once the socket has taken it: no fresh buffer per chunk (and no
   * page faults zeroing it), so large blobs stream noticeably faster than a ReadStream piped to the response.
   */
  async sendTo(key: string, out: Writable, options: ReadOptions = {}): Promise<boolean> {
    let fh: FileHandle;
    try {
      fh = await open(this.#path(key), "r");
    } catch (e) {
      if (missing(e)) return false;
      throw e;
    }
    try {
      const end = options.end ?? (await fh.stat()).size - 1;
      await pump(fh, out, options.start ?? 0, end);
    } finally {
      await fh.close();
    }
    return true;
  }

  async append(
    key: string,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: AppendOptions,
  ): Promise<number> {
    const path = this.#path(key);
    let fh: FileHandle;
    try {
      fh = await open(path, "r+");
    } catch (e) {
      if (!missing(e) || options.offset !== 0) {
        if (missing(e)) throw new OffsetMismatch(0);
        throw e;
      }
      await mkdir(dirname(path), { recursive: true });
      fh = await open(path, "wx");
    }
    try {
      const size = (await fh.stat()).size;
      if (size !== options.offset) throw new OffsetMismatch(size);
      // Batches of about 1 MiB, one write in flight while the next batch arrives from the network.
      let position = size;
      let batch: Uint8Array[] = [];
      let batchBytes = 0;
      let inFlight: Promise<void> = Promise.resolve();
      // With fsync on, write-back starts while the upload streams, so the commit's fsync finds little left to do.
      let syncing: Promise<void> | undefined;
      let unsynced = 0;
      const flush = (): void => {
        const buffers = batch;
        const at = position;
        position += batchBytes;
        unsynced += batchBytes;
        batch = [];
        batchBytes = 0;
        inFlight = inFlight.then(() => writeAll(fh, buffers, at));
        if (this.#fsync && unsynced >= 8 << 20 && !syncing) {
          unsynced = 0;
          syncing = inFlight.then(() => fh.datasync()).finally(() => (syncing = undefined));
          syncing.catch(() => {});
        }
      };
      try {
        for await (const chunk of source) {
          options.signal?.throwIfAborted();
          batch.push(chunk);
          batchBytes += chunk.byteLength;
          if (batchBytes >= 1 << 20) {
            await inFlight;
            flush();
          }
        }
        if (batchBytes > 0) flush();
      } finally {
        await inFlight.catch(() => {});
        await syncing?.catch(() => {});
      }
      await inFlight;
      return position - size;
    } finally {
      await fh.close();
    }
  }

  async truncate(key: string, size: number): Promise<void> {
    await truncate(this.#path(key), size);
  }

  async touch(key: string): Promise<void> {
    const now = new Date();
    try {
      await utimes(this.#path(key), now, now);
    } catch (e) {
      if (!missing(e)) throw e;
    }
  }

  /** flock(2) on the object's file, so separate processes (cluster workers, other instances) exclude each other. */
  async lock(key: string, timeoutMs = 30_000): Promise<(() => Promise<void>) | undefined> {
    const path = this.#path(key);
    let releaseLocal!: () => void;
    await new Promise<void>((resolve) => {
      void this.#local.run(
        key,
        () =>
          new Promise<void>((release) => {
            releaseLocal = release;
            resolve();
          }),
      );
    });
    let fh: FileHandle;
    try {
      fh = await open(path, "r");
    } catch (e) {
      releaseLocal();
      if (missing(e)) return undefined;
      throw e;
    }
    const flock = fileLocks();
    const deadline = Date.now() + timeoutMs;
    while (flock && !flock.flock(fh.fd, true)) {
      if (Date.now() > deadline) {
        await fh.close();
        releaseLocal();
        throw new LockTimeout(key);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return async () => {
      await fh.close();
      releaseLocal();
    };
  }

  async #rename(from: string, to: string): Promise<void> {
    try {
      await rename(from, to);
    } catch (e) {
      if (!missing(e)) throw e;
      await mkdir(dirname(to), { recursive: true });
      await rename(from, to);
    }
  }

  async #tempFile(): Promise<string> {
    const dir = join(this.root, "_tmp");
    if (!this.#tmpReady) {
      await mkdir(dir, { recursive: true });
      this.#tmpReady = true;
    }
    return join(dir, randomBytes(12).toString("hex"));
  }
}

let locks: { flock(fd: number, exclusive: boolean): boolean } | null | undefined;

/** The native helper's flock when it is built; without it, locks hold within this process only. */
function fileLocks(): { flock(fd: number, exclusive: boolean): boolean } | null {
  if (locks === undefined) {
    try {
      locks = native();
    } catch {
      locks = null;
    }
  }
  return locks;
}

function missing(e: unknown): boolean {
  const code = errnoCode(e);
  return code === "ENOENT" || code === "ENOTDIR";
}
