// The vfs driver, for filesystems overlayfs cannot mount on: vfs/<id>/rootfs is a full copy of the image's
// layers plus the init layer (vfs/<id>-init/diff); changes are found by comparing it with those layers.
import fs from "node:fs";
import { join } from "node:path";
import { native } from "../native.ts";
import { isOverlayXattr } from "../streams/whiteout.ts";
import type { ContainerPaths } from "./containers.ts";
import {
  isOpaqueDir,
  lowerIndex,
  makeInitLayer,
  moveIfExists,
  safeList,
  sortChanges,
  type Change,
  type ContainerLayerDriver,
  type LowerEntry,
  type View,
} from "./driver.ts";

function copyAttrs(from: fs.BigIntStats, fromPath: string, to: string, isLink: boolean): void {
  fs.lchownSync(to, Number(from.uid), Number(from.gid));
  if (!isLink) fs.chmodSync(to, Number(from.mode) & 0o7777);
  for (const name of native().llistxattr(fromPath)) {
    if (isOverlayXattr(name)) continue;
    const v = native().lgetxattr(fromPath, name);
    if (v !== null) {
      try {
        native().lsetxattr(to, name, v);
      } catch {
        /* the filesystem refuses it: skip, as layer extraction does */
      }
    }
  }
  setTimes(from, to);
}

function setTimes(from: fs.BigIntStats, to: string): void {
  const sec = (ns: bigint): number => Number(ns / 1_000_000_000n);
  const nsec = (ns: bigint): number => Number(ns % 1_000_000_000n);
  native().lutimens(to, sec(from.atimeNs), nsec(from.atimeNs), sec(from.mtimeNs), nsec(from.mtimeNs));
}

/** Make a non-directory at `to` like the one at `from` (content copied; hard links within one copy kept). */
function copyNode(from: string, st: fs.BigIntStats, to: string, links: Map<bigint, string>): void {
  if (st.nlink > 1n && !st.isDirectory()) {
    const first = links.get(st.ino);
    if (first !== undefined) {
      fs.linkSync(first, to);
      return;
    }
    links.set(st.ino, to);
  }
  if (st.isFile()) fs.copyFileSync(from, to, fs.constants.COPYFILE_FICLONE);
  else if (st.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
  else if (st.isCharacterDevice() || st.isBlockDevice() || st.isFIFO()) {
    const rdev = st.rdev;
    const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
    const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
    native().mknod(to, Number(st.mode), major, minor);
  } else return; // sockets are not copied
  copyAttrs(st, from, to, st.isSymbolicLink());
}

/** Apply one layer directory in overlayfs's form onto `dst`: whiteouts delete, opaque directories replace. */
export function applyLayerDir(src: string, dst: string): void {
  const links = new Map<bigint, string>();
  const walk = (s: string, d: string): void => {
    for (const name of safeList(s)) {
      const sp = join(s, name);
      const dp = join(d, name);
      const st = fs.lstatSync(sp, { bigint: true });
      const existing = lstatOrUndefined(dp);
      if (st.isCharacterDevice() && st.rdev === 0n) {
        if (existing) fs.rmSync(dp, { recursive: true, force: true });
        continue;
      }
      if (st.isDirectory()) {
        if (existing && (!existing.isDirectory() || isOpaqueDir(sp))) fs.rmSync(dp, { recursive: true, force: true });
        if (!existing || !existing.isDirectory() || isOpaqueDir(sp)) fs.mkdirSync(dp);
        walk(sp, dp);
        copyAttrs(st, sp, dp, false);
        continue;
      }
      if (existing) fs.rmSync(dp, { recursive: true, force: true });
      copyNode(sp, st, dp, links);
    }
  };
  walk(src, dst);
}

function lstatOrUndefined(p: string): fs.BigIntStats | undefined {
  try {
    return fs.lstatSync(p, { bigint: true });
  } catch {
    return undefined;
  }
}

function differs(a: fs.BigIntStats, b: fs.BigIntStats, aPath: string, bPath: string): boolean {
  if ((a.mode & 0o170000n) !== (b.mode & 0o170000n)) return true;
  if (a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid) return true;
  if (a.isDirectory()) return false;
  if (a.size !== b.size || a.mtimeNs !== b.mtimeNs || a.rdev !== b.rdev) return true;
  return a.isSymbolicLink() && fs.readlinkSync(aPath) !== fs.readlinkSync(bPath);
}

export class VfsDriver implements ContainerLayerDriver {
  readonly name = "vfs" as const;
  private readonly base: string;

  constructor(paths: ContainerPaths) {
    this.base = paths.vfs;
  }

  private initDiff(id: string): string {
    return join(this.base, `${id}-init`, "diff");
  }

  prepare(stagingDir: string, id: string, lowers: string[], initFiles: string[]): void {
    const root = join(stagingDir, "vfs");
    const init = join(root, `${id}-init`, "diff");
    makeInitLayer(init, initFiles);
    const rootfs = join(root, id, "rootfs");
    fs.mkdirSync(rootfs, { recursive: true, mode: 0o755 });
    for (const layer of [...lowers, init]) applyLayerDir(layer, rootfs);
  }

  publish(stagingDir: string, id: string): void {
    fs.mkdirSync(this.base, { recursive: true, mode: 0o700 });
    fs.renameSync(join(stagingDir, "vfs", `${id}-init`), join(this.base, `${id}-init`));
    fs.renameSync(join(stagingDir, "vfs", id), join(this.base, id));
  }

  retire(id: string, trashDir: string): void {
    fs.mkdirSync(trashDir, { recursive: true });
    moveIfExists(join(this.base, id), join(trashDir, id));
    moveIfExists(join(this.base, `${id}-init`), join(trashDir, `${id}-init`));
  }

  mount(id: string): string {
    return this.rootfs(id);
  }

  unmount(): void {}

  rootfs(id: string): string {
    return join(this.base, id, "rootfs");
  }

  view(id: string): View {
    return { path: this.rootfs(id), release: () => {} };
  }

  /** Walk the rootfs against the layers: added, changed and deleted paths, with their stats. */
  private diff(id: string, lowers: string[]): { changes: Change[]; index: Map<string, LowerEntry> } {
    const index = lowerIndex([...lowers, this.initDiff(id)]);
    const rootfs = this.rootfs(id);
    const out = new Map<string, 0 | 1 | 2>();
    const seen = new Set<string>();
    const markParents = (rel: string): void => {
      for (let i = rel.lastIndexOf("/"); i > 0; i = rel.lastIndexOf("/", i - 1)) {
        const p = rel.slice(0, i);
        if (!out.has(p)) out.set(p, index.has(p) ? 0 : 1);
      }
    };
    const walk = (rel: string): void => {
      const abs = rel === "" ? rootfs : join(rootfs, rel);
      for (const name of safeList(abs)) {
        const childRel = rel === "" ? name : `${rel}/${name}`;
        const childAbs = join(abs, name);
        const st = fs.lstatSync(childAbs, { bigint: true });
        seen.add(childRel);
        const lower = index.get(childRel);
        if (!lower) {
          out.set(childRel, 1);
          markParents(childRel);
        } else if (differs(st, lower.st, childAbs, join(lower.layer, childRel))) {
          out.set(childRel, 0);
          markParents(childRel);
        }
        if (st.isDirectory()) walk(childRel);
      }
    };
    walk("");
    for (const k of index.keys()) {
      if (seen.has(k)) continue;
      const parent = k.includes("/") ? k.slice(0, k.lastIndexOf("/")) : "";
      if (parent !== "" && !seen.has(parent)) continue; // below a deleted directory
      out.set(k, 2);
      markParents(k);
    }
    const changes = [...out].map(([p, kind]) => ({ Path: `/${p}`, Kind: kind }));
    return { changes: sortChanges(changes), index };
  }

  changes(id: string, lowers: string[]): Change[] {
    return this.diff(id, lowers).changes;
  }

  changesDir(id: string, lowers: string[], scratch: string): View {
    const { changes } = this.diff(id, lowers);
    const rootfs = this.rootfs(id);
    const dir = join(scratch, "changes");
    fs.mkdirSync(dir, { recursive: true });
    const dirs: [fs.BigIntStats, string, string][] = [];
    for (const c of changes) {
      const rel = c.Path.slice(1);
      const target = join(dir, rel);
      if (c.Kind === 2) {
        native().mknod(target, 0o20000, 0, 0);
        continue;
      }
      const src = join(rootfs, rel);
      const st = fs.lstatSync(src, { bigint: true });
      if (st.isDirectory()) {
        fs.mkdirSync(target);
        dirs.push([st, src, target]);
      } else if (!st.isSocket()) fs.linkSync(src, target);
    }
    for (const [st, src, target] of dirs.reverse()) copyAttrs(st, src, target, false);
    return { path: dir, release: () => fs.rmSync(dir, { recursive: true, force: true }) };
  }

  sizeRw(id: string, lowers: string[]): number {
    let total = 0;
    for (const c of this.changes(id, lowers)) {
      if (c.Kind === 2) continue;
      const st = lstatOrUndefined(join(this.rootfs(id), c.Path.slice(1)));
      if (st?.isFile()) total += Number(st.size);
    }
    return total;
  }

  graphData(id: string): Record<string, string> {
    return { Dir: this.rootfs(id) };
  }
}
