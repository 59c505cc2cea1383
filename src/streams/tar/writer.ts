// Streaming tar writer: ustar headers, plus a PAX header when a value does not fit ustar (long or non-ASCII
// names, big sizes and ids, sub-second or out-of-range mtimes, xattrs). Same input, same bytes.
import { Readable } from "node:stream";
import { HoistError } from "../../errors.ts";
import { BLOCK, encodeHeader, octalMax } from "./header.ts";
import { encodePax, formatPaxTime } from "./pax.ts";
import type { TarHeaderInput, Timestamp } from "./types.ts";

export interface TarWriteEntry {
  header: TarHeaderInput;
  /** File content; its length must equal header.size. */
  body?: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
}

const FLAGS: Record<TarHeaderInput["type"], string> = {
  file: "0",
  hardlink: "1",
  symlink: "2",
  "char-device": "3",
  "block-device": "4",
  directory: "5",
  fifo: "6",
};

const BATCH = 1 << 18;
const ZEROS = Buffer.alloc(BLOCK * 2);

/** A tar stream of `entries`, ending with the two-zero-block marker. */
export function writeTar(
  entries: Iterable<TarWriteEntry> | AsyncIterable<TarWriteEntry>,
  options: { signal?: AbortSignal } = {},
): Readable {
  return Readable.from(tarChunks(entries, options.signal), { objectMode: false, highWaterMark: BATCH });
}

/** The raw chunks of a tar stream; small pieces are gathered into large chunks. */
export async function* tarChunks(
  entries: Iterable<TarWriteEntry> | AsyncIterable<TarWriteEntry>,
  signal?: AbortSignal,
): AsyncGenerator<Buffer> {
  const out = new Batch();
  for await (const { header, body } of entries) {
    signal?.throwIfAborted();
    const size = header.type === "file" ? (header.size ?? (body instanceof Uint8Array ? body.length : 0)) : 0;
    yield* out.add(encodeEntryHeader({ ...header, size }));
    let written = 0;
    if (body !== undefined && header.type === "file") {
      if (body instanceof Uint8Array) {
        written = body.length;
        if (written === size) yield* out.add(body);
      } else {
        for await (const chunk of body) {
          written += chunk.length;
          if (written > size) break;
          yield* out.add(chunk);
        }
      }
    }
    if (written !== size) {
      throw new HoistError("SIZE_INVALID", `tar entry ${JSON.stringify(header.name)}: body has ${written}+ bytes, header says ${size}`);
    }
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (pad > 0) yield* out.add(ZEROS.subarray(0, pad));
  }
  yield* out.add(ZEROS);
  yield* out.flush();
}

/** Gathers small writes into one large buffer; large writes pass through without a copy. */
class Batch {
  #buf = Buffer.allocUnsafe(BATCH);
  #len = 0;

  *add(data: Uint8Array): Generator<Buffer> {
    if (data.length >= BATCH / 4) {
      yield* this.flush();
      yield Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      return;
    }
    if (this.#len + data.length > BATCH) yield* this.flush();
    this.#buf.set(data, this.#len);
    this.#len += data.length;
  }

  *flush(): Generator<Buffer> {
    if (this.#len === 0) return;
    yield this.#buf.subarray(0, this.#len);
    this.#buf = Buffer.allocUnsafe(BATCH);
    this.#len = 0;
  }
}

function timestamp(t: number | Timestamp | undefined): Timestamp {
  if (t === undefined) return { sec: 0, nsec: 0 };
  if (typeof t !== "number") return t;
  const sec = Math.floor(t);
  return { sec, nsec: Math.round((t - sec) * 1e9) };
}

const ASCII = /^[\x01-\x7f]*$/;

/** Split a long path into ustar prefix (≤155 bytes) and name (≤100 bytes) at a slash, if possible. */
function splitUstar(path: string): [string, string] | undefined {
  if (path.length <= 100) return ["", path];
  if (path.length > 256) return undefined;
  for (let i = path.length - 101; i < path.length; i++) {
    if (i > 0 && path[i] === "/" && i <= 155 && path.length - i - 1 <= 100 && path.length - i - 1 > 0) {
      return [path.slice(0, i), path.slice(i + 1)];
    }
  }
  return undefined;
}

/** The header blocks for one entry: a PAX header first when needed, then the ustar block. */
export function encodeEntryHeader(h: TarHeaderInput): Buffer {
  const pax: [string, Uint8Array | string][] = [];
  const name = h.type === "directory" && !h.name.endsWith("/") ? `${h.name}/` : h.name;
  const ascii = ASCII.test(name);
  const split = ascii ? splitUstar(name) : undefined;
  if (!split) pax.push(["path", name]);
  const linkname = h.linkname ?? "";
  if (linkname.length > 100 || !ASCII.test(linkname)) pax.push(["linkpath", linkname]);
  const size = h.type === "file" ? (h.size ?? 0) : 0;
  if (size > octalMax(12)) pax.push(["size", String(size)]);
  const uid = h.uid ?? 0;
  const gid = h.gid ?? 0;
  if (uid > octalMax(8)) pax.push(["uid", String(uid)]);
  if (gid > octalMax(8)) pax.push(["gid", String(gid)]);
  const uname = h.uname ?? "";
  const gname = h.gname ?? "";
  if (uname.length > 32 || !ASCII.test(uname)) pax.push(["uname", uname]);
  if (gname.length > 32 || !ASCII.test(gname)) pax.push(["gname", gname]);
  const mtime = timestamp(h.mtime);
  const mtimeFits = mtime.nsec === 0 && mtime.sec >= 0 && mtime.sec <= octalMax(12);
  if (!mtimeFits) pax.push(["mtime", formatPaxTime(mtime.sec, mtime.nsec)]);
  const device = h.type === "char-device" || h.type === "block-device";
  const devmajor = device ? (h.devmajor ?? 0) : undefined;
  const devminor = device ? (h.devminor ?? 0) : undefined;
  if ((devmajor ?? 0) > octalMax(8)) pax.push(["SCHILY.devmajor", String(devmajor)]);
  if ((devminor ?? 0) > octalMax(8)) pax.push(["SCHILY.devminor", String(devminor)]);
  for (const key of Object.keys(h.xattrs ?? {}).sort()) {
    if (key.includes("=") || key.includes("\0")) {
      throw new HoistError("UNSUPPORTED", `tar entry ${JSON.stringify(name)}: xattr name ${JSON.stringify(key)} cannot be stored`);
    }
    pax.push([`SCHILY.xattr.${key}`, (h.xattrs ?? {})[key] as Uint8Array]);
  }
  for (const [field, v] of [["size", size], ["uid", uid], ["gid", gid], ["mode", h.mode ?? 0]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new HoistError("INVALID_ARGUMENT", `tar entry ${JSON.stringify(name)}: invalid ${field} ${v}`);
  }
  const fit = (v: number, len: number) => (v <= octalMax(len) ? v : 0);
  const [prefix, shortName] = split ?? ["", asciiFallback(name, 100)];
  const ustar = {
    name: shortName,
    prefix,
    mode: (h.mode ?? 0) & 0o7777,
    uid: fit(uid, 8),
    gid: fit(gid, 8),
    size: fit(size, 12),
    mtime: mtimeFits ? mtime.sec : Math.max(0, Math.min(mtime.sec, octalMax(12))),
    typeflag: FLAGS[h.type],
    linkname: asciiFallback(linkname, 100),
    uname: asciiFallback(uname, 32),
    gname: asciiFallback(gname, 32),
    devmajor: devmajor === undefined ? undefined : fit(devmajor, 8),
    devminor: devminor === undefined ? undefined : fit(devminor, 8),
  };
  if (pax.length === 0) return encodeHeader(ustar);
  const records = encodePax(pax);
  const paxBlocks = Math.ceil(records.length / BLOCK);
  const out = Buffer.alloc(BLOCK * (2 + paxBlocks));
  encodeHeader(paxHeaderFields(name, records.length), out, 0);
  records.copy(out, BLOCK);
  encodeHeader(ustar, out, BLOCK * (1 + paxBlocks));
  return out;
}

/** The header of the PAX extended header itself, named like Go's archive/tar does: dir/PaxHeaders.0/base. */
function paxHeaderFields(name: string, size: number) {
  const trimmed = name.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  const paxName = `${trimmed.slice(0, slash + 1)}PaxHeaders.0/${trimmed.slice(slash + 1)}`;
  return {
    name: asciiFallback(paxName, 100),
    prefix: "",
    mode: 0,
    uid: 0,
    gid: 0,
    size,
    mtime: 0,
    typeflag: "x",
    linkname: "",
    uname: "",
    gname: "",
    devmajor: undefined,
    devminor: undefined,
  };
}

/** What goes in a ustar field when the real value lives in PAX: ASCII only, cut to fit. */
function asciiFallback(s: string, len: number): string {
  const ascii = ASCII.test(s) ? s : s.replace(/[^\x01-\x7f]/g, "_");
  return ascii.length > len ? ascii.slice(0, len) : ascii;
}
