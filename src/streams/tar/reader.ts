// Streaming tar reader: ustar, GNU (long names L/K, base-256 numbers) and PAX (x/g) archives.
// Entries come one at a time; each body is read (chunks/buffer) or skipped before the next entry.
import { HoistError } from "../../errors.ts";
import { BLOCK, checksumValid, decodeHeader, isZeroBlock, parseString } from "./header.ts";
import type { RawHeader } from "./header.ts";
import { PendingMeta } from "./entry-header.ts";
import { ByteSource } from "./source.ts";
import type { TarHeader } from "./types.ts";

export interface ReadTarOptions {
  /** Called with every chunk pulled from the input, before parsing: hash, count, enforce budgets (throw to stop). */
  onChunk?: (chunk: Buffer) => void;
  /** Largest PAX or GNU long-name body accepted (default 1 MiB). */
  maxMetaSize?: number;
  /** After the end-of-archive marker, read the rest of the input (default true) so hashes cover all of it. */
  drain?: boolean;
  signal?: AbortSignal;
}

/** One archive member. Read its body with read()/chunks()/buffer() or skip() it; the reader skips what is left. */
export class TarEntry {
  readonly header: TarHeader;
  #src: ByteSource;
  #left: number;
  #padding: number;
  #closed = false;

  constructor(header: TarHeader, src: ByteSource) {
    this.header = header;
    this.#src = src;
    this.#left = header.size;
    this.#padding = (BLOCK - (header.size % BLOCK)) % BLOCK;
  }

  /** Body bytes not read yet. */
  get remaining(): number {
    return this.#left;
  }

  /** The next piece of the body (a view into the input, valid until the next read), or null at its end. */
  async read(max = Infinity): Promise<Buffer | null> {
    this.#checkOpen();
    if (this.#left === 0) return null;
    const chunk = await this.#src.upTo(Math.min(this.#left, max));
    if (chunk === null) throw this.#truncated();
    this.#left -= chunk.length;
    return chunk;
  }

  async *chunks(): AsyncGenerator<Buffer> {
    for (let c = await this.read(); c !== null; c = await this.read()) yield c;
  }

  /** The whole body in one buffer (zero-copy when it sits in one input chunk). Meant for small bodies. */
  async buffer(): Promise<Buffer> {
    this.#checkOpen();
    if (this.#left === 0) return Buffer.alloc(0);
    const out = await this.#src.exact(this.#left);
    if (out === null || out.length < this.#left) throw this.#truncated();
    this.#left = 0;
    return out;
  }

  /** Discard the rest of the body and its padding. */
  async skip(): Promise<void> {
    const want = this.#left + this.#padding;
    const got = await this.#src.skip(want);
    this.#left = 0;
    this.#padding = 0;
    if (got < want) throw this.#truncated();
  }

  /** Skip what is left and refuse later reads: the input has moved on to the next entry. */
  async close(): Promise<void> {
    await this.skip();
    this.#closed = true;
  }

  #checkOpen(): void {
    if (this.#closed) {
      const name = JSON.stringify(this.header.name);
      throw new HoistError("INTERNAL", `tar entry ${name}: body read after the reader moved to the next entry`);
    }
  }

  #truncated(): HoistError {
    return new HoistError(
      "BAD_ARCHIVE",
      `truncated tar archive: entry ${JSON.stringify(this.header.name)} is incomplete`,
    );
  }
}

/** Iterate over the entries of a plain (uncompressed) tar stream. */
export async function* readTar(
  input: AsyncIterable<Uint8Array>,
  options: ReadTarOptions = {},
): AsyncGenerator<TarEntry> {
  const src = new ByteSource(input, options.onChunk);
  const maxMeta = options.maxMetaSize ?? 1 << 20;
  const pending = new PendingMeta();
  let previous = "";
  let completed = false;
  const where = () => (previous === "" ? "at the start of the archive" : `after entry ${JSON.stringify(previous)}`);
  try {
    while (true) {
      options.signal?.throwIfAborted();
      const block = await headerBlock(src, where);
      if (block === null) break;
      const raw = decodeHeader(block);
      if (PendingMeta.isMeta(raw.typeflag)) {
        const problem = pending.absorb(raw.typeflag, await readMeta(src, raw, maxMeta, where));
        if (problem !== undefined) throw bad(`corrupt tar archive: ${problem} in PAX header ${where()}`);
        continue;
      }
      const header = pending.header(raw);
      if (raw.typeflag === "V") {
        await new TarEntry(header, src).skip(); // a GNU volume label, not a member
        continue;
      }
      refuseUnsupported(raw, header);
      const entry = new TarEntry(header, src);
      yield entry;
      await entry.close();
      previous = header.name;
    }
    completed = true;
    if (options.drain !== false) await src.drain();
  } finally {
    if (!completed) await src.close();
  }
}

/** The next header block, verified; null at the end of the archive (two zero blocks, or end of input). */
async function headerBlock(src: ByteSource, where: () => string): Promise<Buffer | null> {
  const offset = src.offset;
  const block = await src.exact(BLOCK);
  if (block === null) return null; // end of input on a block boundary: accepted, as Go's archive/tar does
  if (block.length < BLOCK) throw bad(`truncated tar archive: partial header ${where()}`);
  if (isZeroBlock(block)) {
    const next = await src.exact(BLOCK);
    if (next === null || (next.length === BLOCK && isZeroBlock(next))) return null;
    if (next.length < BLOCK) throw bad(`truncated tar archive: partial end-of-archive marker ${where()}`);
    throw bad(`corrupt tar archive: a zero block followed by data at offset ${offset} ${where()}`);
  }
  if (!checksumValid(block)) {
    if (offset === 0 && looksCompressed(block))
      throw bad("not a tar archive: the data is compressed (decompress it first)");
    const name = JSON.stringify(parseString(block, 0, 100));
    throw bad(`corrupt tar archive: header checksum mismatch at offset ${offset} (entry ${name}, ${where()})`);
  }
  return block;
}

/** gzip, zstd, bzip2 or xz magic bytes. */
function looksCompressed(b: Buffer): boolean {
  const m = b.readUInt32LE(0);
  return (m & 0xffff) === 0x8b1f || m === 0xfd2fb528 || (m & 0xffffff) === 0x685a42 || m === 0x587a37fd;
}

function refuseUnsupported(raw: RawHeader, header: TarHeader): void {
  const sparse = Object.keys(header.pax).some((k) => k.startsWith("GNU.sparse."));
  if (raw.typeflag === "S" || raw.typeflag === "M" || sparse) {
    throw new HoistError(
      "UNSUPPORTED",
      `tar entry ${JSON.stringify(header.name)}: sparse and multi-volume entries are not supported`,
    );
  }
}

function bad(message: string): HoistError {
  return new HoistError("BAD_ARCHIVE", message);
}

async function readMeta(src: ByteSource, raw: RawHeader, max: number, where: () => string): Promise<Buffer> {
  const kind = raw.typeflag === "L" || raw.typeflag === "K" ? "GNU long name" : "PAX header";
  if (!Number.isSafeInteger(raw.size) || raw.size < 0)
    throw bad(`corrupt tar archive: invalid size in ${kind} ${where()}`);
  if (raw.size > max) throw bad(`tar ${kind} of ${raw.size} bytes is larger than the ${max}-byte limit (${where()})`);
  const padded = Math.ceil(raw.size / BLOCK) * BLOCK;
  const body = await src.exact(padded);
  if (padded > 0 && (body === null || body.length < padded))
    throw bad(`truncated tar archive: incomplete ${kind} ${where()}`);
  // A copy: a view would pin the whole input chunk while the records live on (global headers).
  return Buffer.from((body ?? Buffer.alloc(0)).subarray(0, raw.size));
}
