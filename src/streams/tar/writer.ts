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
      throw new HoistError(
        "SIZE_INVALID",
        `tar entry ${JSON.stringify(header.name)}: body has ${written}+ bytes, header says ${size}`,
      );
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
  if (typeof t !== "number") {
    if (!Number.isSafeInteger(t.sec) || !Number.isInteger(t.nsec) || t.nsec < 0 || t.nsec >= 1e9) {
      throw new HoistError("INVALID_ARGUMENT", `invalid tar mtime ${JSON.stringify(t)}`);
    }
    return t;
  }
  const sec = Math.floor(t);
  const nsec = Math.round((t - sec) * 1e9);
  return nsec >= 1e9 ? { sec: sec + 1, nsec: 0 } : { sec, nsec };
}

const ASCII = /^[\x01-\x7f]*$/;

/** Split a long path into ustar prefix (≤155 bytes) and name (≤100 bytes) at a slash, if possible. */
function splitUstar(path: string): [string, string] | undefined {
  if (path.length <= 100) return ["", path];
  if (path.length > 256) return undefined;
  for (let i = Math.max(1, path.length - 101); i < path.length; i++) {
    if (path[i] === "/" && i <= 155 && path.length - i - 1 <= 100 && path.length - i - 1 > 0) {
      return [path.slice(0, i), path.slice(i + 1)];
    }
  }
  return undefined;
}

/** A header's values, defaulted and normalised, before they are split between ustar fields and PAX. */
interface Values {
  name: string;
  linkname: string;
  mode: number;
  size: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: Timestamp;
  devmajor: number | undefined;
  devminor: number | undefined;
}

function values(h: TarHeaderInput): Values {
  const device = h.type === "char-device" || h.type === "block-device";
  const v: Values = {
    name: h.type === "directory" && !h.name.endsWith("/") ? `${h.name}/` : h.name,
    linkname: h.linkname ?? "",
    mode: h.mode ?? 0,
    size: h.type === "file" ? (h.size ?? 0) : 0,
    uid: h.uid ?? 0,
    gid: h.gid ?? 0,
    uname: h.uname ?? "",
    gname: h.gname ?? "",
    mtime: timestamp(h.mtime),
    devmajor: device ? (h.devmajor ?? 0) : undefined,
    devminor: device ? (h.devminor ?? 0) : undefined,
  };
  for (const field of ["size", "uid", "gid", "mode", "devmajor", "devminor"] as const) {
    const n = v[field] ?? 0;
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new HoistError("INVALID_ARGUMENT", `tar entry ${JSON.stringify(v.name)}: invalid ${field} ${n}`);
    }
  }
  return v;
}

function mtimeFits(t: Timestamp): boolean {
  return t.nsec === 0 && t.sec >= 0 && t.sec <= octalMax(12);
}

/** The PAX records an entry needs: whatever ustar cannot hold exactly, then xattrs (sorted). */
function paxRecords(v: Values, split: [string, string] | undefined, xattrs: TarHeaderInput["xattrs"] = {}) {
  const pax: [string, Uint8Array | string][] = [];
  const text = (key: string, s: string, len: number) => {
    if (s.length > len || !ASCII.test(s)) pax.push([key, s]);
  };
  const num = (key: string, n: number | undefined, len: number) => {
    if (n !== undefined && n > octalMax(len)) pax.push([key, String(n)]);
  };
  if (!split) pax.push(["path", v.name]);
  text("linkpath", v.linkname, 100);
  num("size", v.size, 12);
  num("uid", v.uid, 8);
  num("gid", v.gid, 8);
  text("uname", v.uname, 32);
  text("gname", v.gname, 32);
  if (!mtimeFits(v.mtime)) pax.push(["mtime", formatPaxTime(v.mtime.sec, v.mtime.nsec)]);
  num("SCHILY.devmajor", v.devmajor, 8);
  num("SCHILY.devminor", v.devminor, 8);
  for (const key of Object.keys(xattrs).sort()) {
    if (key.includes("=") || key.includes("\0")) {
      const why = `xattr name ${JSON.stringify(key)} cannot be stored`;
      throw new HoistError("UNSUPPORTED", `tar entry ${JSON.stringify(v.name)}: ${why}`);
    }
    pax.push([`SCHILY.xattr.${key}`, xattrs[key] as Uint8Array]);
  }
  return pax;
}

/** The ustar block's fields: exact where they fit, else a placeholder (the PAX record holds the value). */
function ustarFields(v: Values, typeflag: string, split: [string, string] | undefined) {
  const fit = (n: number, len: number) => (n <= octalMax(len) ? n : 0);
  const [prefix, name] = split ?? ["", asciiFallback(v.name, 100)];
  return {
    name,
    prefix,
    mode: v.mode & 0o7777,
    uid: fit(v.uid, 8),
    gid: fit(v.gid, 8),
    size: fit(v.size, 12),
    mtime: mtimeFits(v.mtime) ? v.mtime.sec : Math.max(0, Math.min(v.mtime.sec, octalMax(12))),
    typeflag,
    linkname: asciiFallback(v.linkname, 100),
    uname: asciiFallback(v.uname, 32),
    gname: asciiFallback(v.gname, 32),
    devmajor: v.devmajor === undefined ? undefined : fit(v.devmajor, 8),
    devminor: v.devminor === undefined ? undefined : fit(v.devminor, 8),
  };
}

/** The header blocks for one entry: a PAX header first when needed, then the ustar block. */
export function encodeEntryHeader(h: TarHeaderInput): Buffer {
  const v = values(h);
  const split = ASCII.test(v.name) ? splitUstar(v.name) : undefined;
  const pax = paxRecords(v, split, h.xattrs);
  const ustar = ustarFields(v, FLAGS[h.type], split);
  if (pax.length === 0) return encodeHeader(ustar);
  const records = encodePax(pax);
  const paxBlocks = Math.ceil(records.length / BLOCK);
  const out = Buffer.alloc(BLOCK * (2 + paxBlocks));
  encodeHeader(paxHeaderFields(v.name, records.length), out, 0);
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
