// Committing a stopped container's overlay layer without copying its files: the new image layer's extracted
// tree (what extracting the layer's tar would give) is built from hard links to the container layer's files,
// with fresh directories. Creating files is the expensive part of a commit (and of every extraction); a link
// is cheap. Only nodes whose attributes the tar carries exactly are linked (no overlayfs, SELinux or ACL
// xattrs); the others are copied. The container keeps sharing those inodes with the image layer until it runs
// again: before that, unshareTree gives it private copies, so a layer never changes under an image.
import fs from "node:fs";
import { join } from "node:path";
import { native } from "../native.ts";
import { isOverlayXattr, OPAQUE_XATTR } from "../streams/whiteout.ts";
import { isOpaqueDir } from "./driver.ts";

/** The xattrs a layer's tar carries for a node (see streams/layer-create.ts). */
function carried(name: string, isLink: boolean): boolean {
  if (isOverlayXattr(name) || name === "security.selinux" || name.startsWith("system.")) return false;
  return !(isLink && name.startsWith("user."));
}

function times(st: fs.BigIntStats, to: string): void {
  const s = (ns: bigint): number => Number(ns / 1_000_000_000n);
  const n = (ns: bigint): number => Number(ns % 1_000_000_000n);
  native().lutimens(to, s(st.atimeNs), n(st.atimeNs), s(st.mtimeNs), n(st.mtimeNs));
}

function setCarriedXattrs(from: string, to: string, isLink: boolean): void {
  for (const name of native().llistxattr(from)) {
    if (!carried(name, isLink)) continue;
    const v = native().lgetxattr(from, name);
    if (v !== null) native().lsetxattr(to, name, v);
  }
}

/** A private copy of a non-directory, with the attributes a tar would carry. */
function copyNode(from: string, st: fs.BigIntStats, to: string): void {
  if (st.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
  else if (st.isFile()) fs.copyFileSync(from, to);
  else {
    const rdev = st.rdev;
    const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
    const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
    native().mknod(to, Number(st.mode), major, minor);
  }
  fs.lchownSync(to, Number(st.uid), Number(st.gid));
  if (!st.isSymbolicLink()) fs.chmodSync(to, Number(st.mode) & 0o7777);
  setCarriedXattrs(from, to, st.isSymbolicLink());
  times(st, to);
}

/** Build `target` (which must not exist) from the overlay layer `upper`. Returns the bytes of file content. */
export function linkTree(upper: string, target: string): number {
  let bytes = 0;
  const seen = new Set<bigint>();
  const copies = new Map<bigint, string>();
  const dirs: [fs.BigIntStats, string, string][] = [];
  const walk = (from: string, to: string): void => {
    for (const name of fs.readdirSync(from)) {
      const src = join(from, name);
      const dst = join(to, name);
      const st = fs.lstatSync(src, { bigint: true });
      if (st.isDirectory()) {
        fs.mkdirSync(dst, 0o700);
        dirs.push([st, src, dst]);
        walk(src, dst);
        continue;
      }
      if (st.isSocket()) continue;
      if (st.isFile() && !seen.has(st.ino)) {
        seen.add(st.ino);
        bytes += Number(st.size);
      }
      const linkable = native()
        .llistxattr(src)
        .every((n) => carried(n, st.isSymbolicLink()));
      if (linkable) fs.linkSync(src, dst);
      else {
        // Hard links among copied files stay hard links.
        const first = copies.get(st.ino);
        if (first !== undefined) fs.linkSync(first, dst);
        else {
          copyNode(src, st, dst);
          copies.set(st.ino, dst);
        }
      }
    }
  };
  fs.mkdirSync(target, 0o755);
  walk(upper, target);
  // Directories last, deepest first: creating entries changes a directory's mtime.
  for (const [st, src, dst] of dirs.reverse()) {
    fs.lchownSync(dst, Number(st.uid), Number(st.gid));
    fs.chmodSync(dst, Number(st.mode) & 0o7777);
    setCarriedXattrs(src, dst, false);
    if (isOpaqueDir(src)) native().lsetxattr(dst, OPAQUE_XATTR, Buffer.from("y"));
    times(st, dst);
  }
  return bytes;
}

/** Give every multiply-linked regular file under `dir` a private copy (hard links among its own paths are
 * kept among the copies). `scratch` is an empty directory on the same filesystem, outside `dir`. */
export function unshareTree(dir: string, scratch: string): void {
  const copies = new Map<bigint, string>();
  const dirTimes = new Map<string, fs.BigIntStats>();
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  let n = 0;
  const walk = (abs: string): void => {
    for (const name of fs.readdirSync(abs)) {
      const p = join(abs, name);
      const st = fs.lstatSync(p, { bigint: true });
      if (st.isDirectory()) {
        walk(p);
        continue;
      }
      if (!st.isFile() || st.nlink < 2n) continue;
      if (!dirTimes.has(abs)) dirTimes.set(abs, fs.lstatSync(abs, { bigint: true }));
      const tmp = join(scratch, String(n++));
      const first = copies.get(st.ino);
      if (first !== undefined) fs.linkSync(first, tmp);
      else {
        fs.copyFileSync(p, tmp);
        fs.lchownSync(tmp, Number(st.uid), Number(st.gid));
        fs.chmodSync(tmp, Number(st.mode) & 0o7777);
        for (const x of native().llistxattr(p)) {
          const v = native().lgetxattr(p, x);
          if (v !== null) native().lsetxattr(tmp, x, v);
        }
        times(st, tmp);
      }
      fs.renameSync(tmp, p);
      if (first === undefined) copies.set(st.ino, p);
    }
  };
  walk(dir);
  // The renames touched directory mtimes: put them back.
  for (const [abs, st] of dirTimes) times(st, abs);
  fs.rmSync(scratch, { recursive: true, force: true });
}
