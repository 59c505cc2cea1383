// An archive to read: a file path, or a stream (stdin) spooled to a temp file first, since reading needs
// random access. Compressed archives (gzip, zstd) are decompressed into the temp file.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { errnoCode, HoistError } from "../../errors.ts";
import { decompress, detectCompression } from "../../streams/index.ts";
import { TarIndex } from "./tar-index.ts";

/** Where an archive is read from: a path, or a stream such as stdin. */
export type ArchiveInput = string | Readable | NodeJS.ReadableStream;

export interface ArchiveReadOptions {
  /** Where stdin and compressed archives are spooled (default os.tmpdir()). */
  tmpDir?: string;
}

/** Lazily indexed: nothing is read until index() is called. */
export class ArchiveFile {
  readonly description: string;
  readonly #input: ArchiveInput;
  readonly #tmpRoot: string;
  #index: Promise<TarIndex> | undefined;
  #tmp: string | undefined;

  constructor(input: ArchiveInput, description: string, options: ArchiveReadOptions = {}) {
    this.#input = input;
    this.description = description;
    this.#tmpRoot = options.tmpDir ?? tmpdir();
  }

  index(options: { signal?: AbortSignal } = {}): Promise<TarIndex> {
    this.#index ??= this.#open(options.signal);
    return this.#index;
  }

  async #open(signal?: AbortSignal): Promise<TarIndex> {
    try {
      return await this.#openIndex(signal);
    } catch (e) {
      if (errnoCode(e) === "ENOENT")
        throw new HoistError("NOT_FOUND", `${this.description}: no such file`, { cause: e });
      if (errnoCode(e) === "EISDIR")
        throw new HoistError("BAD_ARCHIVE", `${this.description}: is a directory, not an archive`, { cause: e });
      throw e;
    }
  }

  async #openIndex(signal?: AbortSignal): Promise<TarIndex> {
    let path: string;
    if (typeof this.#input === "string") {
      const kind = detectCompression(await readHead(this.#input, 6));
      path = kind === "none" ? this.#input : await this.#spool(createReadStream(this.#input), signal);
    } else {
      const input = this.#input instanceof Readable ? this.#input : new Readable().wrap(this.#input);
      path = await this.#spool(input, signal);
    }
    return TarIndex.open(path, { description: this.description, ...(signal ? { signal } : {}) });
  }

  async #spool(input: Readable, signal?: AbortSignal): Promise<string> {
    this.#tmp = await mkdtemp(join(this.#tmpRoot, "hoist-archive-"));
    const file = join(this.#tmp, "archive.tar");
    const { stream } = await decompress(input);
    try {
      await pipeline(stream, createWriteStream(file, { flags: "wx", mode: 0o600 }), signal ? { signal } : {});
    } catch (e) {
      input.destroy();
      if (e instanceof HoistError) throw e;
      throw new HoistError("IO", `${this.description}: reading the archive: ${(e as Error).message}`, { cause: e });
    }
    return file;
  }

  async close(): Promise<void> {
    const index = this.#index;
    this.#index = undefined;
    if (index) await index.then((i) => i.close()).catch(() => undefined);
    if (this.#tmp) await rm(this.#tmp, { recursive: true, force: true });
    this.#tmp = undefined;
  }
}

async function readHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
