// COPY/ADD as tar entries of a new layer, with docker's destination rules: a directory source's contents go
// into the destination; a file goes to the destination itself unless that is a directory (existing, or
// written with a trailing `/`, or there are several sources), where it goes in by its name. Missing parent
// directories are made 0755 (owned by --chown); existing ones keep what they had. Content is streamed.
import fs from "node:fs";
import type { BigIntStats } from "node:fs";
import type { TarHeaderInput, TarWriteEntry, Timestamp } from "../streams/index.ts";
import type { BuildContext, ContextEntry } from "./context/context.ts";
import { cleanPath, type PatternMatcher } from "./context/patterns.ts";
import { lstatIn, resolveInRoot } from "./rootfs-view.ts";
import type { Owner } from "./users.ts";

export type CopySource =
  /** A file or directory of the context or of an image's filesystem (walked with its ignore rules). */
  | {
      type: "tree";
      fs: BuildContext;
      entry: ContextEntry;
      /** The name a file gets inside a destination directory (the source's own name, before links). */
      name: string;
      /** Keep uid/gid (an image's files); the context's files belong to root. */
      keepOwner: boolean;
      /** --parents: the source's path below the pivot, kept under the destination. */
      parents?: string;
    }
  /** A heredoc or a downloaded file. */
  | { type: "data"; name: string; data?: Buffer; abs?: string; size: number; mode: number; mtime?: Timestamp };

export interface CopyPlan {
  /** Absolute destination as written (WORKDIR applied), trailing `/` kept. */
  dest: string;
  sources: CopySource[];
  chown?: Owner;
  chmod?: number;
  /** SOURCE_DATE_EPOCH: every copied entry gets this time. */
  epoch?: Timestamp;
  /** The time new directories get otherwise. */
  now: Timestamp;
  exclude?: PatternMatcher;
}

interface Planned {
  header: TarHeaderInput;
  abs?: string;
  data?: Buffer;
  /** dev:ino of a file with several links. */
  inode?: string;
}

function toTimestamp(ns: bigint): Timestamp {
  return { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) };
}

/** Where a COPY lands and whether its destination is a directory, against `view` (the image, or none for --link). */
export function resolveDest(plan: Pick<CopyPlan, "dest" | "sources">, view: string | undefined, count: number) {
  const slash = plan.dest.endsWith("/") || plan.dest.endsWith("/.");
  const clean = cleanPath(`/${plan.dest}`);
  const path = view === undefined ? clean : resolveInRoot(view, clean);
  const st = view === undefined ? undefined : lstatIn(view, path);
  const isDir = st?.isDirectory() ?? false;
  return { path, intoDir: isDir || slash || count > 1, exists: st !== undefined };
}

/** The entries of the layer a COPY/ADD makes, sorted, parents first. */
export async function* copyEntries(plan: CopyPlan, view: string | undefined): AsyncGenerator<TarWriteEntry> {
  const planned = new Map<string, Planned>();
  const dest = resolveDest(plan, view, plan.sources.length);
  const owner = (st: BigIntStats | undefined, keep: boolean): Owner =>
    plan.chown ?? (keep && st ? { uid: Number(st.uid), gid: Number(st.gid) } : { uid: 0, gid: 0 });
  const time = (st: BigIntStats | undefined): Timestamp => plan.epoch ?? (st ? toTimestamp(st.mtimeNs) : plan.now);

  const ensureParents = (path: string): void => {
    const parts = path.split("/").filter(Boolean);
    for (let i = 1; i < parts.length; i++) ensureDir(parts.slice(0, i).join("/"));
  };
  const ensureDir = (rel: string): void => {
    if (planned.has(rel)) return;
    const st = view === undefined ? undefined : lstatIn(view, rel);
    if (st?.isDirectory()) {
      const header = {
        name: rel,
        type: "directory" as const,
        mode: Number(st.mode & 0o7777n),
        uid: Number(st.uid),
        gid: Number(st.gid),
        mtime: toTimestamp(st.mtimeNs),
      };
      planned.set(rel, { header });
      return;
    }
    const o = plan.chown ?? { uid: 0, gid: 0 };
    planned.set(rel, {
      header: { name: rel, type: "directory", mode: 0o755, uid: o.uid, gid: o.gid, mtime: plan.epoch ?? plan.now },
    });
  };
  const put = (rel: string, p: Planned): void => {
    ensureParents(rel);
    planned.set(rel, p);
  };

  const destRel = dest.path.slice(1);
  for (const src of plan.sources) {
    if (src.type === "data") {
      const target = dest.intoDir ? join(destRel, src.name) : destRel;
      const o = plan.chown ?? { uid: 0, gid: 0 };
      const header: TarHeaderInput = {
        name: target,
        type: "file",
        mode: plan.chmod ?? src.mode,
        uid: o.uid,
        gid: o.gid,
        size: src.size,
        mtime: plan.epoch ?? src.mtime ?? plan.now,
      };
      put(target, { header, ...(src.data ? { data: src.data } : {}), ...(src.abs ? { abs: src.abs } : {}) });
      continue;
    }
    const { entry } = src;
    if (!entry.st.isDirectory()) {
      const base =
        src.parents !== undefined ? join(destRel, src.parents) : dest.intoDir ? join(destRel, src.name) : destRel;
      if (src.parents !== undefined) addSourceParents(src, destRel, planned, owner, time, plan);
      put(base, entryPlan(base, entry, src.keepOwner, plan, owner, time));
      continue;
    }
    const root = src.parents !== undefined ? join(destRel, src.parents) : destRel;
    if (src.parents !== undefined) addSourceParents(src, destRel, planned, owner, time, plan);
    if (root !== "") {
      if (src.parents !== undefined && src.parents !== "")
        put(root, entryPlan(root, entry, src.keepOwner, plan, owner, time));
      else {
        ensureParents(root);
        ensureDir(root);
      }
    }
    const prefix = entry.rel === "" ? 0 : entry.rel.length + 1;
    for (const e of src.fs.walk(entry, plan.exclude)) {
      if (e.st.isCharacterDevice() && e.st.rdev === 0n) continue; // an overlay whiteout in a lone layer
      const target = join(root, e.rel.slice(prefix));
      put(target, entryPlan(target, e, src.keepOwner, plan, owner, time));
    }
  }
  yield* emit(planned);
}

function addSourceParents(
  src: Extract<CopySource, { type: "tree" }>,
  destRel: string,
  planned: Map<string, Planned>,
  owner: (st: BigIntStats | undefined, keep: boolean) => Owner,
  time: (st: BigIntStats | undefined) => Timestamp,
  plan: CopyPlan,
): void {
  // --parents: the directories between the pivot and the source come from the source side.
  const parts = (src.parents ?? "").split("/").filter(Boolean);
  const srcParts = src.entry.rel.split("/");
  for (let i = 1; i < parts.length; i++) {
    const rel = join(destRel, parts.slice(0, i).join("/"));
    if (planned.has(rel)) continue;
    const srcRel = srcParts.slice(0, srcParts.length - parts.length + i).join("/");
    const st = src.fs.lstat(srcRel);
    const o = owner(st, src.keepOwner);
    const mode = plan.chmod ?? (st ? Number(st.mode & 0o7777n) : 0o755);
    planned.set(rel, { header: { name: rel, type: "directory", mode, uid: o.uid, gid: o.gid, mtime: time(st) } });
  }
}

function entryPlan(
  target: string,
  e: ContextEntry,
  keepOwner: boolean,
  plan: CopyPlan,
  owner: (st: BigIntStats | undefined, keep: boolean) => Owner,
  time: (st: BigIntStats | undefined) => Timestamp,
): Planned {
  const st = e.st;
  const o = owner(st, keepOwner);
  const base = { name: target, mode: plan.chmod ?? Number(st.mode & 0o7777n), uid: o.uid, gid: o.gid, mtime: time(st) };
  if (st.isDirectory()) return { header: { ...base, type: "directory" } };
  if (st.isSymbolicLink())
    return { header: { ...base, mode: Number(st.mode & 0o7777n), type: "symlink", linkname: fs.readlinkSync(e.abs) } };
  if (st.isFile()) {
    const p: Planned = { header: { ...base, type: "file", size: Number(st.size) }, abs: e.abs };
    if (st.nlink > 1n) p.inode = `${st.dev}:${st.ino}`;
    return p;
  }
  if (st.isFIFO()) return { header: { ...base, type: "fifo" } };
  const [devmajor, devminor] = devNumbers(st.rdev);
  return { header: { ...base, type: st.isCharacterDevice() ? "char-device" : "block-device", devmajor, devminor } };
}

async function* emit(planned: Map<string, Planned>): AsyncGenerator<TarWriteEntry> {
  const links = new Map<string, string>();
  for (const name of [...planned.keys()].sort(byCodeUnit)) {
    if (name === "") continue;
    const p = planned.get(name) as Planned;
    if (p.inode !== undefined) {
      const first = links.get(p.inode);
      if (first !== undefined) {
        yield { header: { ...p.header, type: "hardlink", linkname: first, size: 0 } };
        continue;
      }
      links.set(p.inode, name);
    }
    if (p.header.type !== "file") yield { header: p.header };
    else if (p.data !== undefined) yield { header: p.header, body: p.data };
    else if (p.abs !== undefined) yield { header: p.header, body: fileChunks(p.abs, p.header.size ?? 0) };
    else yield { header: p.header, body: Buffer.alloc(0) };
  }
}

const CHUNK = 1 << 20;

/** A file's content in 1 MiB chunks; fails if the file shrank since it was looked at. */
export async function* fileChunks(abs: string, size: number): AsyncGenerator<Uint8Array> {
  const fd = fs.openSync(abs, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    for (let left = size; left > 0;) {
      const buf = Buffer.allocUnsafe(Math.min(left, CHUNK));
      let off = 0;
      while (off < buf.length) {
        const n = fs.readSync(fd, buf, off, buf.length - off, null);
        if (n === 0) throw new Error(`${abs}: file shrank while it was being copied`);
        off += n;
      }
      left -= buf.length;
      yield buf;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function join(a: string, b: string): string {
  if (a === "") return b;
  if (b === "") return a;
  return `${a}/${b}`;
}

function devNumbers(rdev: bigint): [number, number] {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return [Number(major), Number(minor)];
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
