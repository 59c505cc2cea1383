// Streaming tar reader: ustar, GNU (long names L/K, base-256 numbers) and PAX (x/g) archives.
// Entries come one at a time; each body is read (chunks/buffer) or skipped before the next entry.
import { HoistError } from "../../errors.ts";
import { BLOCK, checksumValid, decodeHeader, isZeroBlock, parseString } from "./header.ts";
import type { RawHeader } from "./header.ts";
import { parsePax, parsePaxTime } from "./pax.ts";
import { ByteSource } from "./source.ts";
import type { TarEntryType, TarHeader } from "./types.ts";

export interface ReadTarOptions {
  /** Called with every chunk pulled from the input, before parsing: hash, count, enforce budgets (throw to stop). */
  onChunk?: (chunk: Buffer) => void;
  /** Largest PAX or GNU long-name body accepted (default 1 MiB). */
  maxMetaSize?: number;
  /** After the end-of-archive marker, read the rest of the input (default true) so hashes cover all of it. */
  drain?: boolean;
  signal?: AbortSignal;
}

const TYPES: Record<string, TarEntryType> = {
  "0": "file",
  "7": "file",
  "1": "hardlink",
  "2": "symlink",
  "3": "char-device",
  "4": "block-device",
  "5": "directory",
  "6": "fifo",
  D: "directory", // GNU dumpdir: a directory whose body lists its contents
};

/** One archive member. Read its body with read()/chunks()/buffer() or skip() it; the reader skips what is left. */
export class TarEntry {
  readonly header: TarHeader;
  #src: ByteSource;
  #left: number;
  #padding: number;

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

  #truncated(): HoistError {
    return new HoistError("BAD_ARCHIVE", `truncated tar archive: entry ${JSON.stringify(this.header.name)} is incomplete`);
  }
}

/** Iterate over the entries of a plain (uncompressed) tar stream. */
export async function* readTar(input: AsyncIterable<Uint8Array>, options: ReadTarOptions = {}): AsyncGenerator<TarEntry> {
  const src = new ByteSource(input, options.onChunk);
  const maxMeta = options.maxMetaSize ?? 1 << 20;
  let globals = new Map<string, Buffer>();
  let local = new Map<string, Buffer>();
  let longName: string | undefined;
  let longLink: string | undefined;
  let previous = "";
  let completed = false;
  const where = () => (previous === "" ? "at the start of the archive" : `after entry ${JSON.stringify(previous)}`);
  try {
    while (true) {
      options.signal?.throwIfAborted();
      const offset = src.offset;
      const block = await src.exact(BLOCK);
      if (block === null) break; // end of input on a block boundary: accepted, as Go's archive/tar does
      if (block.length < BLOCK) throw bad(`truncated tar archive: partial header ${where()}`);
      if (isZeroBlock(block)) {
        const next = await src.exact(BLOCK);
        if (next === null || (next.length === BLOCK && isZeroBlock(next))) break;
        if (next.length < BLOCK) throw bad(`truncated tar archive: partial end-of-archive marker ${where()}`);
        throw bad(`corrupt tar archive: a zero block followed by data at offset ${offset} ${where()}`);
      }
      if (!checksumValid(block)) {
        const raw = JSON.stringify(parseString(block, 0, 100));
        throw bad(`corrupt tar archive: header checksum mismatch at offset ${offset} (entry ${raw}, ${where()})`);
      }
      const raw = decodeHeader(block);
      const flag = raw.typeflag;
      if (flag === "x" || flag === "X" || flag === "g" || flag === "L" || flag === "K") {
        const body = await readMeta(src, raw, maxMeta, where);
        if (flag === "L") longName = parseString(body, 0, body.length);
        else if (flag === "K") longLink = parseString(body, 0, body.length);
        else {
          const records = parsePax(body);
          if (typeof records === "string") throw bad(`corrupt tar archive: ${records} in PAX header ${where()}`);
          if (flag === "g") globals = new Map([...globals, ...records]);
          else local = new Map([...local, ...records]);
        }
        continue;
      }
      const header = buildHeader(raw, mergePax(globals, local), longName, longLink);
      local = new Map();
      longName = undefined;
      longLink = undefined;
      if (flag === "V") {
        // A GNU volume label: not a member.
        await new TarEntry(header, src).skip();
        continue;
      }
      if (flag === "S" || flag === "M" || Object.keys(header.pax).some((k) => k.startsWith("GNU.sparse."))) {
        throw new HoistError("UNSUPPORTED", `tar entry ${JSON.stringify(header.name)}: sparse and multi-volume entries are not supported`);
      }
      const entry = new TarEntry(header, src);
      yield entry;
      await entry.skip();
      previous = header.name;
    }
    completed = true;
    if (options.drain !== false) await src.drain();
  } finally {
    if (!completed) await src.close();
  }
}

function bad(message: string): HoistError {
  return new HoistError("BAD_ARCHIVE", message);
}

async function readMeta(src: ByteSource, raw: RawHeader, max: number, where: () => string): Promise<Buffer> {
  const kind = raw.typeflag === "L" || raw.typeflag === "K" ? "GNU long name" : "PAX header";
  if (!Number.isSafeInteger(raw.size) || raw.size < 0) throw bad(`corrupt tar archive: invalid size in ${kind} ${where()}`);
  if (raw.size > max) throw bad(`tar ${kind} of ${raw.size} bytes is larger than the ${max}-byte limit (${where()})`);
  const padded = Math.ceil(raw.size / BLOCK) * BLOCK;
  const body = await src.exact(padded);
  if (padded > 0 && (body === null || body.length < padded)) throw bad(`truncated tar archive: incomplete ${kind} ${where()}`);
  // A copy: a view would pin the whole input chunk while the records live on (global headers).
  return Buffer.from((body ?? Buffer.alloc(0)).subarray(0, raw.size));
}

function mergePax(globals: Map<string, Buffer>, local: Map<string, Buffer>): Map<string, Buffer> {
  if (globals.size === 0) return local;
  const merged = new Map([...globals, ...local]);
  // An empty value deletes the keyword: the ustar field applies again.
  for (const [k, v] of merged) if (v.length === 0) merged.delete(k);
  return merged;
}

function buildHeader(raw: RawHeader, pax: Map<string, Buffer>, longName?: string, longLink?: string): TarHeader {
  const h: TarHeader = {
    name: longName ?? raw.name,
    type: TYPES[raw.typeflag] ?? "unknown",
    typeflag: raw.typeflag,
    mode: raw.mode & 0o7777,
    uid: raw.uid,
    gid: raw.gid,
    uname: raw.uname,
    gname: raw.gname,
    size: raw.size,
    mtime: { sec: raw.mtime, nsec: 0 },
    linkname: longLink ?? raw.linkname,
    devmajor: raw.devmajor,
    devminor: raw.devminor,
    xattrs: {},
    pax: {},
  };
  for (const [key, value] of pax) applyPax(h, key, value);
  // Old tars mark directories with a trailing slash on a regular-file entry.
  if ((raw.typeflag === "0" || raw.typeflag === "7") && h.name.endsWith("/")) h.type = "directory";
  // Links, directories, devices and fifos never store a body, whatever their size field says (as Go reads them).
  if (h.type !== "file" && h.type !== "unknown" && raw.typeflag !== "D") h.size = 0;
  validateNumbers(h, raw);
  return h;
}

function applyPax(h: TarHeader, key: string, value: Buffer): void {
  if (key.startsWith("SCHILY.xattr.")) {
    h.xattrs[key.slice(13)] = value;
    return;
  }
  if (key.startsWith("LIBARCHIVE.xattr.")) {
    const name = decodeURIComponent(key.slice(17));
    h.xattrs[name] ??= Buffer.from(value.toString("latin1"), "base64");
    return;
  }
  const text = value.toString("utf8");
  const num = (): number => (/^[0-9]+$/.test(text) ? Number(text) : NaN);
  switch (key) {
    case "path":
      h.name = text;
      return;
    case "linkpath":
      h.linkname = text;
      return;
    case "size":
      h.size = num();
      return;
    case "uid":
      h.uid = num();
      return;
    case "gid":
      h.gid = num();
      return;
    case "uname":
      h.uname = text;
      return;
    case "gname":
      h.gname = text;
      return;
    case "mtime":
      h.mtime = parsePaxTime(text) ?? { sec: NaN, nsec: 0 };
      return;
    case "SCHILY.devmajor":
      h.devmajor = num();
      return;
    case "SCHILY.devminor":
      h.devminor = num();
      return;
    case "atime":
    case "ctime":
    case "charset":
    case "hdrcharset":
    case "comment":
      return;
    default:
      h.pax[key] = text;
  }
}

function validateNumbers(h: TarHeader, raw: RawHeader): void {
  const fields: [string, number][] = [
    ["mode", raw.mode],
    ["uid", h.uid],
    ["gid", h.gid],
    ["size", h.size],
    ["mtime", h.mtime.sec],
    ["devmajor", h.devmajor],
    ["devminor", h.devminor],
  ];
  for (const [field, v] of fields) {
    const ok = Number.isSafeInteger(v) && (v >= 0 || field === "mtime");
    if (!ok) throw bad(`corrupt tar archive: invalid ${field} in the header of entry ${JSON.stringify(h.name)}`);
  }
}
