// Tar a directory as a layer. "rootfs": a plain tree as it is (export). "overlay": a container's upperdir
// or an extracted layer, whose 0/0 character devices are whiteouts and whose trusted.overlay.opaque=y
// directories are opaque. Sorted, deterministic, hardlinks found by inode, overlayfs's xattrs left out.
import fs from "node:fs";
import type { BigIntStats } from "node:fs";
import type { Readable } from "node:stream";
import { HoistError } from "../errors.ts";
import { native } from "../native.ts";
import { joinPath } from "./paths.ts";
import type { TarHeaderInput, Timestamp } from "./tar/types.ts";
import { writeTar } from "./tar/writer.ts";
import type { TarWriteEntry } from "./tar/writer.ts";
import { isOverlayXattr, OPAQUE_MARKER, OPAQUE_XATTR, USER_OPAQUE_XATTR, WHITEOUT_PREFIX } from "./whiteout.ts";

export type LayerMode = "rootfs" | "overlay";

export interface CreateLayerOptions {
  mode: LayerMode;
  /** Drop sub-second mtimes, as docker does for the layers it commits (default: keep them, in PAX). */
  truncateMtime?: boolean;
  signal?: AbortSignal;
}

const SMALL_FILE = 1 << 20;
const READ_CHUNK = 1 << 20;

/** A tar stream of `dir` (not including `dir` itself). */
export function createLayer(dir: string, options: CreateLayerOptions): Readable {
  return writeTar(layerEntries(dir, options), options.signal ? { signal: options.signal } : {});
}

/** The entries createLayer writes, in order. */
export async function* layerEntries(dir: string, options: CreateLayerOptions): AsyncGenerator<TarWriteEntry> {
  const walker = new Walker(dir, options);
  try {
    if (options.mode === "overlay" && isOpaque(dir)) yield walker.opaqueMarker("", fs.lstatSync(dir, { bigint: true }));
    yield* walker.children("");
  } catch (e) {
    if (e instanceof HoistError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new HoistError("IO", `archiving ${dir}: ${message}`, { cause: e });
  }
}

class Walker {
  #root: string;
  #overlay: boolean;
  #truncate: boolean;
  /** dev:ino → first path, for hardlinks. */
  #inodes = new Map<string, string>();

  constructor(root: string, options: CreateLayerOptions) {
    this.#root = root;
    this.#overlay = options.mode === "overlay";
    this.#truncate = options.truncateMtime ?? false;
  }

  async *children(rel: string): AsyncGenerator<TarWriteEntry> {
    const abs = rel === "" ? this.#root : `${this.#root}/${rel}`;
    const names = fs.readdirSync(abs).sort(byCodeUnit);
    const whiteouts: TarWriteEntry[] = [];
    const rest: [string, BigIntStats][] = [];
    for (const name of names) {
      if (name.includes("\ufffd"))
        throw new HoistError("UNSUPPORTED", `${abs}/${name}: file names that are not UTF-8 are not supported`);
      const st = fs.lstatSync(`${abs}/${name}`, { bigint: true });
      if (this.#overlay && st.isCharacterDevice() && st.rdev === 0n) {
        whiteouts.push({
          header: { ...this.#base(joinPath(rel, WHITEOUT_PREFIX + name), st, {}), type: "file", size: 0 },
        });
      } else {
        rest.push([name, st]);
      }
    }
    yield* whiteouts;
    for (const [name, st] of rest) {
      const childRel = joinPath(rel, name);
      const childAbs = `${abs}/${name}`;
      const xattrs = this.#xattrs(childAbs, st);
      const base = this.#base(childRel, st, xattrs);
      if (st.isDirectory()) {
        yield { header: { ...base, type: "directory" } };
        if (this.#overlay && isOpaque(childAbs)) yield this.opaqueMarker(childRel, st);
        yield* this.children(childRel);
        continue;
      }
      const header = this.#nonDir(base, childAbs, st);
      if (header === undefined) continue;
      if (header.type === "file") yield { header, body: readBody(childAbs, header.size ?? 0) };
      else yield { header };
    }
  }

  opaqueMarker(dirRel: string, st: BigIntStats): TarWriteEntry {
    const header = this.#base(joinPath(dirRel, OPAQUE_MARKER), st, {});
    return { header: { ...header, type: "file", mode: header.mode & 0o777, size: 0 } };
  }

  /** A non-directory's header: a hardlink when its inode was seen; undefined for sockets. */
  #nonDir(base: TarHeaderInput, abs: string, st: BigIntStats): TarHeaderInput | undefined {
    if (st.isSocket()) return undefined;
    if (st.nlink > 1n) {
      const key = `${st.dev}:${st.ino}`;
      const first = this.#inodes.get(key);
      if (first !== undefined) return { ...base, type: "hardlink", linkname: first, xattrs: {} };
      this.#inodes.set(key, base.name);
    }
    if (st.isFile()) return { ...base, type: "file", size: Number(st.size) };
    if (st.isSymbolicLink()) return { ...base, type: "symlink", linkname: fs.readlinkSync(abs) };
    if (st.isFIFO()) return { ...base, type: "fifo" };
    const [devmajor, devminor] = devNumbers(st.rdev);
    return { ...base, type: st.isCharacterDevice() ? "char-device" : "block-device", devmajor, devminor };
  }

  #base(rel: string, st: BigIntStats, xattrs: Record<string, Buffer>): TarHeaderInput & { mode: number } {
    return {
      name: rel,
      type: "file",
      mode: Number(st.mode) & 0o7777,
      uid: Number(st.uid),
      gid: Number(st.gid),
      mtime: this.#mtime(st.mtimeNs),
      xattrs,
    };
  }

  #mtime(ns: bigint): Timestamp {
    let sec = ns / 1_000_000_000n;
    let nsec = ns % 1_000_000_000n;
    if (nsec < 0n) {
      sec -= 1n;
      nsec += 1_000_000_000n;
    }
    return { sec: Number(sec), nsec: this.#truncate ? 0 : Number(nsec) };
  }

  /** The xattrs a layer carries: not overlayfs's, not SELinux labels (host policy), not system.* (ACLs). */
  #xattrs(abs: string, st: BigIntStats): Record<string, Buffer> {
    const out: Record<string, Buffer> = {};
    for (const name of native().llistxattr(abs)) {
      if (this.#overlay && (name === "trusted.overlay.redirect" || name === "trusted.overlay.metacopy")) {
        throw new HoistError(
          "UNSUPPORTED",
          `${abs}: overlayfs redirect/metacopy entries cannot be turned into a layer`,
        );
      }
      if (isOverlayXattr(name) || name === "security.selinux" || name.startsWith("system.")) continue;
      if (st.isSymbolicLink() && name.startsWith("user.")) continue;
      const value = native().lgetxattr(abs, name);
      if (value !== null) out[name] = value;
    }
    return out;
  }
}

function isOpaque(abs: string): boolean {
  const v = native().lgetxattr(abs, OPAQUE_XATTR) ?? native().lgetxattr(abs, USER_OPAQUE_XATTR);
  return v !== null && v.length === 1 && v[0] === 0x79; // "y"
}

/** Linux's dev_t split (glibc gnu_dev_major/minor). */
function devNumbers(rdev: bigint): [number, number] {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return [Number(major), Number(minor)];
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A file's content: one buffer when small, else 1 MiB chunks. Fails if the file shrank since stat. */
function readBody(abs: string, size: number): Uint8Array | AsyncIterable<Uint8Array> {
  if (size <= SMALL_FILE) {
    const buf = Buffer.allocUnsafe(size);
    const fd = fs.openSync(abs, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      readFully(fd, buf, abs);
    } finally {
      fs.closeSync(fd);
    }
    return buf;
  }
  return readChunks(abs, size);
}

async function* readChunks(abs: string, size: number): AsyncGenerator<Uint8Array> {
  const fd = fs.openSync(abs, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    for (let left = size; left > 0;) {
      const buf = Buffer.allocUnsafe(Math.min(left, READ_CHUNK));
      readFully(fd, buf, abs);
      left -= buf.length;
      yield buf;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function readFully(fd: number, buf: Buffer, abs: string): void {
  let off = 0;
  while (off < buf.length) {
    const n = fs.readSync(fd, buf, off, buf.length - off, null);
    if (n === 0) throw new HoistError("SIZE_INVALID", `${abs}: file shrank while it was being archived`);
    off += n;
  }
}
