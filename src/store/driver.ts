// Container layers: a container is its image's extracted layers plus an init layer (`<id>-init`: mount points
// for /etc/hosts and friends, as docker lays it out) plus its own writable layer (`<id>`). Two drivers:
// overlay (the layers as overlayfs lowerdirs, the container layer as upperdir) and vfs (a full copy, for
// filesystems overlayfs cannot mount on). Both hand `commit` the container's changes in overlayfs's own form.
import fs from "node:fs";
import { join } from "node:path";
import { native } from "../native.ts";
import { OPAQUE_XATTR } from "../streams/whiteout.ts";
import type { ContainerPaths } from "./containers.ts";

export type DriverName = "overlay" | "vfs";

/** One line of `docker diff`: 0 = changed (C), 1 = added (A), 2 = deleted (D). */
export interface Change {
  Path: string;
  Kind: 0 | 1 | 2;
}

/** A filesystem view that must be released (unmounted, or its scratch copy removed). */
export interface View {
  path: string;
  release(): void;
}

export interface ContainerLayerDriver {
  readonly name: DriverName;
  /** Build the container's layers (`<id>` and `<id>-init`) inside `stagingDir`. */
  prepare(stagingDir: string, id: string, lowers: string[], initFiles: string[]): void;
  /** Move what prepare built into place. Call under the store lock. */
  publish(stagingDir: string, id: string): void;
  /** Move the container's layers into `trashDir` (removed later, or by the next command after a crash).
   * Call under the store lock, with the container's filesystem unmounted. */
  retire(id: string, trashDir: string): void;
  /** The writable root filesystem for running the container (mounted for overlay). */
  mount(id: string, lowers: string[]): string;
  /** Undo mount; quiet when nothing is mounted. */
  unmount(id: string): void;
  /** Where the root filesystem is (or would be) mounted. */
  rootfs(id: string): string;
  /** A read-only view of the merged filesystem of a stopped container (export, cp out). */
  view(id: string, lowers: string[], scratch: string): View;
  /** The container's changes as a directory in overlayfs's form (0/0 whiteouts, opaque xattrs). */
  changesDir(id: string, lowers: string[], scratch: string): View;
  /** `docker diff`. */
  changes(id: string, lowers: string[]): Change[];
  /** Bytes the container layer holds (SizeRw). */
  sizeRw(id: string, lowers: string[]): number;
  /** docker's GraphDriver.Data. */
  graphData(id: string, lowers: string[]): Record<string, string>;
  /** A stopped container's changes as an image layer's extracted tree at `target`, sharing the files (hard
   * links) instead of copying them; returns the bytes of file content. Drivers that cannot: undefined. */
  linkChanges?(id: string, target: string): number;
  /** Stop sharing files with image layers (before the container runs again after linkChanges). */
  unshare?(id: string): void;
}

/** The init layer's entries (docker's initlayer): mount points runc binds over, made before the first start
 * so they never land in the container's own layer. */
const initEntries: [string, "dir" | "file" | string][] = [
  ["dev/pts", "dir"],
  ["dev/shm", "dir"],
  ["proc", "dir"],
  ["sys", "dir"],
  ["etc/resolv.conf", "file"],
  ["etc/hosts", "file"],
  ["etc/hostname", "file"],
  ["dev/console", "file"],
  ["etc/mtab", "/proc/mounts"],
];

/** Fill an empty init layer directory; `extraFiles` are more file mount points (e.g. "sbin/docker-init"). */
export function makeInitLayer(dir: string, extraFiles: string[] = []): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const [rel, type] of [...initEntries, ...extraFiles.map((f): [string, string] => [f, "file"])]) {
    const abs = join(dir, rel);
    const parent = abs.slice(0, abs.lastIndexOf("/"));
    fs.mkdirSync(parent, { recursive: true, mode: 0o755 });
    if (type === "dir") fs.mkdirSync(abs, { recursive: true, mode: 0o755 });
    else if (type === "file") fs.closeSync(fs.openSync(abs, "a", 0o755));
    else fs.symlinkSync(type, abs);
  }
}

export interface LowerEntry {
  /** The layer directory that provides this path. */
  layer: string;
  st: fs.BigIntStats;
}

function isWhiteout(st: fs.BigIntStats): boolean {
  return st.isCharacterDevice() && st.rdev === 0n;
}

export function isOpaqueDir(abs: string): boolean {
  const v = native().lgetxattr(abs, OPAQUE_XATTR);
  return v !== null && v.length === 1 && v[0] === 0x79;
}

/** The merged view of layers (bottom first) as path → entry, applying whiteouts and opaque directories. */
export function lowerIndex(layers: string[]): Map<string, LowerEntry> {
  const index = new Map<string, LowerEntry>();
  const dropBelow = (rel: string): void => {
    const prefix = `${rel}/`;
    for (const k of index.keys()) if (k.startsWith(prefix)) index.delete(k);
  };
  for (const layer of layers) {
    const walk = (rel: string): void => {
      const abs = rel === "" ? layer : join(layer, rel);
      for (const name of safeList(abs)) {
        const childRel = rel === "" ? name : `${rel}/${name}`;
        const childAbs = join(abs, name);
        const st = fs.lstatSync(childAbs, { bigint: true });
        if (isWhiteout(st)) {
          index.delete(childRel);
          dropBelow(childRel);
          continue;
        }
        const prev = index.get(childRel);
        if (!st.isDirectory() || (prev && !prev.st.isDirectory()) || isOpaqueDir(childAbs)) dropBelow(childRel);
        index.set(childRel, { layer, st });
        if (st.isDirectory()) walk(childRel);
      }
    };
    walk("");
  }
  return index;
}

export function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Bytes of regular files under `dir` (hard links counted once). */
export function treeSize(dir: string): number {
  let total = 0;
  const seen = new Set<bigint>();
  const walk = (abs: string): void => {
    for (const name of safeList(abs)) {
      const p = join(abs, name);
      let st: fs.BigIntStats;
      try {
        st = fs.lstatSync(p, { bigint: true });
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && !(st.nlink > 1n && seen.has(st.ino))) {
        if (st.nlink > 1n) seen.add(st.ino);
        total += Number(st.size);
      }
    }
  };
  walk(dir);
  return total;
}

export function sortChanges(changes: Change[]): Change[] {
  return changes.sort((a, b) => (a.Path < b.Path ? -1 : a.Path > b.Path ? 1 : 0));
}

/** Rename `from` to `to` when it exists. */
export function moveIfExists(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

export async function loadDriver(name: DriverName, paths: ContainerPaths): Promise<ContainerLayerDriver> {
  if (name === "overlay") return new (await import("./driver-overlay.ts")).OverlayDriver(paths);
  return new (await import("./driver-vfs.ts")).VfsDriver(paths);
}
