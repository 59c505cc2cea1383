// Read access to the files of an image layout, wherever it lies: a directory or a tar archive.
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { errnoCode, HoistError } from "../../errors.ts";
import { cleanArchivePath } from "./tar-index.ts";

export interface FileReader {
  readonly description: string;
  /** The size of a regular file, or undefined when there is none at `path`. */
  size(path: string): Promise<number | undefined>;
  /** A whole (small) file, or undefined when there is none; BAD_ARCHIVE when it is larger than `max`. */
  read(path: string, max: number): Promise<Buffer | undefined>;
  /** Stream a file; BAD_ARCHIVE when it is missing. */
  open(path: string, options?: { signal?: AbortSignal }): Promise<Readable>;
}

/** Files under a directory; paths are archive-style relative paths, refused when they climb out. */
export class DirReader implements FileReader {
  readonly root: string;
  readonly description: string;

  constructor(root: string, description = root) {
    this.root = root;
    this.description = description;
  }

  #path(path: string): string {
    const clean = cleanArchivePath(path);
    if (clean === undefined || clean === "")
      throw new HoistError("BAD_ARCHIVE", `${this.description}: bad path ${JSON.stringify(path)}`);
    return join(this.root, clean);
  }

  async size(path: string): Promise<number | undefined> {
    try {
      const st = await stat(this.#path(path));
      return st.isFile() ? st.size : undefined;
    } catch (e) {
      if (errnoCode(e) === "ENOENT" || errnoCode(e) === "ENOTDIR") return undefined;
      throw e;
    }
  }

  async read(path: string, max: number): Promise<Buffer | undefined> {
    let fh;
    try {
      fh = await open(this.#path(path), "r");
    } catch (e) {
      if (errnoCode(e) === "ENOENT" || errnoCode(e) === "ENOTDIR") return undefined;
      throw e;
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) return undefined;
      if (st.size > max)
        throw new HoistError("BAD_ARCHIVE", `${this.description}: ${path} is larger than ${max} bytes`);
      return await fh.readFile();
    } finally {
      await fh.close();
    }
  }

  async open(path: string, options: { signal?: AbortSignal } = {}): Promise<Readable> {
    const full = this.#path(path);
    if ((await this.size(path)) === undefined)
      throw new HoistError("BAD_ARCHIVE", `${this.description}: ${path} is missing`);
    return createReadStream(full, { highWaterMark: 1 << 20, ...(options.signal ? { signal: options.signal } : {}) });
  }
}
