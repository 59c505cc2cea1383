// Create filesystem nodes with their attributes, synchronously (small files and symlinks go through
// native().createFile/createSymlink on the thread pool instead). Order matters: write, chown (which
// clears setuid bits and security.capability), chmod, xattrs, times.
import fs from "node:fs";
import { errnoCode } from "../errors.ts";
import { native } from "../native.ts";
import type { Timestamp } from "./tar/types.ts";
import { isOverlayXattr } from "./whiteout.ts";

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, S_IFCHR, S_IFBLK, S_IFIFO } = fs.constants;
const CREATE = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;

export interface Attrs {
  mode: number;
  uid: number;
  gid: number;
  mtime: Timestamp;
  xattrs: Readonly<Record<string, Uint8Array>>;
}

/** Counts what could not be applied, so callers can report it. */
export interface ApplyCounters {
  xattrsSkipped: number;
}

export function openNewFile(abs: string): number {
  return fs.openSync(abs, CREATE, 0o600);
}

export function writeAll(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
}

/** Owner and mode through the descriptor, then close; xattrs and times by path. */
export function finishFile(fd: number, abs: string, a: Attrs, counters: ApplyCounters): void {
  try {
    fs.fchownSync(fd, a.uid, a.gid);
    fs.fchmodSync(fd, a.mode & 0o7777);
  } finally {
    fs.closeSync(fd);
  }
  setXattrs(abs, a.xattrs, counters);
  setTimes(abs, a.mtime);
}

/** A directory's attributes, except its mtime (set once everything inside it exists). */
export function makeDir(abs: string, a: Attrs, counters: ApplyCounters): void {
  fs.mkdirSync(abs, 0o700);
  setDirAttrs(abs, a, counters);
}

export function setDirAttrs(abs: string, a: Attrs, counters: ApplyCounters): void {
  fs.lchownSync(abs, a.uid, a.gid);
  fs.chmodSync(abs, a.mode & 0o7777);
  setXattrs(abs, a.xattrs, counters);
}

export type SpecialType = "char-device" | "block-device" | "fifo";

export function makeSpecial(
  abs: string,
  type: SpecialType,
  major: number,
  minor: number,
  a: Attrs,
  counters: ApplyCounters,
): void {
  const fmt = type === "char-device" ? S_IFCHR : type === "block-device" ? S_IFBLK : S_IFIFO;
  native().mknod(abs, fmt | (a.mode & 0o777), major, minor);
  fs.lchownSync(abs, a.uid, a.gid);
  fs.chmodSync(abs, a.mode & 0o7777);
  setXattrs(abs, a.xattrs, counters);
  setTimes(abs, a.mtime);
}

/** Set xattrs, skipping overlayfs's own and any the filesystem refuses (EPERM/ENOTSUP), as docker does. */
export function setXattrs(abs: string, xattrs: Readonly<Record<string, Uint8Array>>, counters: ApplyCounters): void {
  for (const name in xattrs) {
    if (isOverlayXattr(name)) continue;
    const value = xattrs[name] as Uint8Array;
    try {
      native().lsetxattr(abs, name, Buffer.isBuffer(value) ? value : Buffer.from(value));
    } catch (e) {
      const code = errnoCode(e);
      if (code !== "EPERM" && code !== "ENOTSUP") throw e;
      counters.xattrsSkipped++;
    }
  }
}

export function setTimes(abs: string, t: Timestamp): void {
  native().lutimens(abs, t.sec, t.nsec, t.sec, t.nsec);
}
