// A random-access index over a tar file: scan the headers once (bodies are skipped, not read), remember where
// each member's bytes are, then read any member by offset. Archives are read without holding a layer in memory,
// and manifest.json may come last.
import { createReadStream } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { posix } from "node:path";
import { Readable } from "node:stream";
import { HoistError } from "../../errors.ts";
import { BLOCK, checksumValid, decodeHeader, isZeroBlock, parseString } from "../../streams/tar/header.ts";
import { parsePax } from "../../streams/tar/pax.ts";
import type { FileReader } from "./file-reader.ts";

export type MemberType = "file" | "directory" | "symlink" | "hardlink" | "other";

export interface TarMember {
  /** Clean relative path ("blobs/sha256/…", "manifest.json"). */
  name: string;
  type: MemberType;
  /** Offset of the body in the file. */
  offset: number;
  size: number;
  linkname: string;
}

const TYPES: Record<string, MemberType> = {
  "0": "file",
  "7": "file",
  "5": "directory",
  "2": "symlink",
  "1": "hardlink",
};
const WINDOW = 1 << 16;
const MAX_META = 1 << 20;
const MAX_MEMBERS = 1_000_000;
const MAX_LINK_HOPS = 16;

/** Clean an archive path: rooted at the archive (".." stops at the root), no "." or empty parts; undefined with a NUL. */
export function cleanArchivePath(name: string): string | undefined {
  if (name.includes("\0")) return undefined;
  return posix.normalize(`/${name}`).slice(1).replace(/\/+$/, "");
}

export class TarIndex implements FileReader {
  readonly path: string;
  readonly description: string;
  readonly #fh: FileHandle;
  readonly #members: Map<string, TarMember>;

  private constructor(path: string, description: string, fh: FileHandle, members: Map<string, TarMember>) {
    this.path = path;
    this.description = description;
    this.#fh = fh;
    this.#members = members;
  }

  /** Scan `path`; BAD_ARCHIVE when it is not a tar, is corrupt, or is truncated. */
  static async open(path: string, options: { description?: string; signal?: AbortSignal } = {}): Promise<TarIndex> {
    const description = options.description ?? path;
    const fh = await open(path, "r");
    try {
      const members = await scan(fh, (await fh.stat()).size, description, options.signal);
      return new TarIndex(path, description, fh, members);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  get members(): ReadonlyMap<string, TarMember> {
    return this.#members;
  }

  /** The regular file at `name`, following symlinks and hardlinks; undefined when there is none. */
  file(name: string): TarMember | undefined {
    let path = cleanArchivePath(name);
    for (let hops = 0; path !== undefined && hops <= MAX_LINK_HOPS; hops++) {
      const m = this.#members.get(path);
      if (m === undefined || m.type === "file") return m;
      if (m.type === "symlink")
        path = cleanArchivePath(
          m.linkname.startsWith("/") ? m.linkname : posix.join(posix.dirname(m.name), m.linkname),
        );
      else if (m.type === "hardlink") path = cleanArchivePath(m.linkname);
      else return undefined;
    }
    if (path === undefined) return undefined;
    throw new HoistError("BAD_ARCHIVE", `${this.description}: too many links resolving ${JSON.stringify(name)}`);
  }

  async size(name: string): Promise<number | undefined> {
    return this.file(name)?.size;
  }

  async read(name: string, max: number): Promise<Buffer | undefined> {
    const m = this.file(name);
    if (m === undefined) return undefined;
    if (m.size > max) throw new HoistError("BAD_ARCHIVE", `${this.description}: ${name} is larger than ${max} bytes`);
    return this.readAt(m.offset, m.size);
  }

  /** The first `n` bytes (or fewer) of a member, e.g. to sniff its compression. */
  async head(m: TarMember, n: number): Promise<Buffer> {
    return this.readAt(m.offset, Math.min(n, m.size));
  }

  async open(name: string, options: { signal?: AbortSignal } = {}): Promise<Readable> {
    const m = this.file(name);
    if (m === undefined) throw new HoistError("BAD_ARCHIVE", `${this.description}: ${name} is missing`);
    return this.openMember(m, options);
  }

  openMember(m: TarMember, options: { signal?: AbortSignal } = {}): Readable {
    if (m.size === 0) return Readable.from([]);
    const end = m.offset + m.size - 1;
    return createReadStream(this.path, {
      start: m.offset,
      end,
      highWaterMark: 1 << 20,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  async readAt(offset: number, length: number): Promise<Buffer> {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await this.#fh.read(buf, got, length - got, offset + got);
      if (bytesRead === 0) throw new HoistError("BAD_ARCHIVE", `${this.description}: unexpected end of file`);
      got += bytesRead;
    }
    return buf;
  }

  async close(): Promise<void> {
    await this.#fh.close();
  }
}

/** Reads blocks through a window so that runs of small members cost one read, not one per header. */
class BlockReader {
  readonly #fh: FileHandle;
  #buf = Buffer.alloc(WINDOW);
  #start = 0;
  #len = 0;
  constructor(fh: FileHandle) {
    this.#fh = fh;
  }
  async at(offset: number, length: number): Promise<Buffer> {
    if (offset >= this.#start && offset + length <= this.#start + this.#len) {
      return this.#buf.subarray(offset - this.#start, offset - this.#start + length);
    }
    if (length > this.#buf.length) this.#buf = Buffer.alloc(length);
    const { bytesRead } = await this.#fh.read(this.#buf, 0, this.#buf.length, offset);
    this.#start = offset;
    this.#len = bytesRead;
    return this.#buf.subarray(0, Math.min(bytesRead, length));
  }
}

async function scan(
  fh: FileHandle,
  fileSize: number,
  description: string,
  signal?: AbortSignal,
): Promise<Map<string, TarMember>> {
  const scanner = new Scanner(new BlockReader(fh), fileSize, description);
  for (let offset: number | undefined = 0; offset !== undefined; offset = await scanner.step(offset))
    signal?.throwIfAborted();
  return scanner.members;
}

/** Header by header: metadata entries (PAX, GNU long names) apply to the member that follows them. */
class Scanner {
  readonly members = new Map<string, TarMember>();
  readonly #blocks: BlockReader;
  readonly #fileSize: number;
  readonly #description: string;
  #globals = new Map<string, Buffer>();
  #local = new Map<string, Buffer>();
  #longName: string | undefined;
  #longLink: string | undefined;

  constructor(blocks: BlockReader, fileSize: number, description: string) {
    this.#blocks = blocks;
    this.#fileSize = fileSize;
    this.#description = description;
  }

  #bad(why: string): HoistError {
    return new HoistError("BAD_ARCHIVE", `${this.#description}: ${why}`);
  }

  /** Read the header at `offset`; the offset of the next one, or undefined at the end of the archive. */
  async step(offset: number): Promise<number | undefined> {
    if (offset >= this.#fileSize) {
      if (offset === 0) throw this.#bad("empty file, not a tar archive");
      return undefined; // end of file on a block boundary: accepted, as Go's archive/tar does
    }
    const block = await this.#blocks.at(offset, BLOCK);
    const first = offset === 0;
    if (block.length < BLOCK)
      throw this.#bad(first ? "not a tar archive" : `truncated tar archive (partial header at offset ${offset})`);
    if (isZeroBlock(block)) {
      if (first) throw this.#bad("not a tar archive");
      return undefined;
    }
    if (!checksumValid(block))
      throw this.#bad(first ? "not a tar archive" : `corrupt tar archive (bad header checksum at offset ${offset})`);
    const raw = decodeHeader(Buffer.from(block));
    if (!Number.isSafeInteger(raw.size) || raw.size < 0)
      throw this.#bad(`corrupt tar archive (bad size at offset ${offset})`);
    const data = offset + BLOCK;
    const size = "xXgLK".includes(raw.typeflag)
      ? await this.#meta(raw.typeflag, data, raw.size)
      : this.#member(raw, data);
    return data + Math.ceil(size / BLOCK) * BLOCK;
  }

  async #meta(flag: string, data: number, size: number): Promise<number> {
    if (size > MAX_META) throw this.#bad(`tar metadata entry of ${size} bytes at offset ${data - BLOCK} is too large`);
    if (data + size > this.#fileSize) throw this.#bad(`truncated tar archive (metadata at offset ${data - BLOCK})`);
    const body = Buffer.from(await this.#blocks.at(data, size));
    if (flag === "L") this.#longName = parseString(body, 0, body.length);
    else if (flag === "K") this.#longLink = parseString(body, 0, body.length);
    else {
      const records = parsePax(body);
      if (typeof records === "string") throw this.#bad(`corrupt tar archive (${records})`);
      if (flag === "g") this.#globals = new Map([...this.#globals, ...records]);
      else this.#local = new Map([...this.#local, ...records]);
    }
    return size;
  }

  /** Record a member; returns its body size. */
  #member(raw: ReturnType<typeof decodeHeader>, data: number): number {
    const pax = new Map([...this.#globals, ...this.#local]);
    const name = this.#longName ?? pax.get("path")?.toString("utf8") ?? raw.name;
    const linkname = this.#longLink ?? pax.get("linkpath")?.toString("utf8") ?? raw.linkname;
    this.#local = new Map();
    this.#longName = undefined;
    this.#longLink = undefined;
    let size = raw.size;
    const paxSize = pax.get("size")?.toString("latin1");
    if (paxSize !== undefined) {
      if (!/^[0-9]+$/.test(paxSize) || !Number.isSafeInteger(Number(paxSize)))
        throw this.#bad(`corrupt tar archive (bad PAX size for ${JSON.stringify(name)})`);
      size = Number(paxSize);
    }
    let type: MemberType = TYPES[raw.typeflag] ?? "other";
    if (type === "file" && name.endsWith("/")) type = "directory";
    if (type !== "file" && type !== "other") size = 0; // links and directories have no body, whatever the size field says
    if (data + size > this.#fileSize) throw this.#bad(`truncated tar archive (${JSON.stringify(name)} is incomplete)`);
    const clean = cleanArchivePath(name);
    if (clean !== undefined && clean !== "") {
      if (this.members.size >= MAX_MEMBERS && !this.members.has(clean))
        throw this.#bad(`more than ${MAX_MEMBERS} members`);
      this.members.set(clean, { name: clean, type, offset: data, size, linkname });
    }
    return size;
  }
}
