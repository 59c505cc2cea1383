// The persistent build cache: step key → what the step made (a layer, or nothing). It lives in the store root
// (build-cache/index.json), is read without a lock (only ever replaced atomically) and changed only under the
// store lock. Each layer's blob is also hard-linked into build-cache/blobs/, so a layer the store collects
// (no image uses it any more) can be restored without running the step again.
import fs from "node:fs";
import { join } from "node:path";
import { errnoCode } from "../../errors.ts";
import { digestHex, type Compression, type Digest } from "../../oci/index.ts";
import { writeFileAtomic } from "../../store/atomic.ts";
import type { Store } from "../../store/index.ts";

export interface CachedLayer {
  diffId: Digest;
  blob: { digest: Digest; size: number; mediaType: string; compression: Compression };
  /** Bytes of the uncompressed tar. */
  tarSize: number;
  /** Bytes of file content (what `history` shows). */
  size: number;
}

export interface CacheRecord {
  /** What the step made; absent when it changed nothing (no layer). */
  layer?: CachedLayer;
  /** When the step ran: its history entry's time. */
  created: string;
  /** Last use (ms), for pruning. */
  used: number;
}

interface CacheFile {
  version: 1;
  records: Record<string, CacheRecord>;
}

export interface CachePaths {
  dir: string;
  index: string;
  files: string;
  blobs: string;
  mounts: string;
}

export function cachePaths(storeRoot: string): CachePaths {
  const dir = join(storeRoot, "build-cache");
  return {
    dir,
    index: join(dir, "index.json"),
    files: join(dir, "files.json"),
    blobs: join(dir, "blobs"),
    mounts: join(dir, "mounts"),
  };
}

function readCache(path: string): CacheFile {
  try {
    const v = JSON.parse(fs.readFileSync(path, "utf8")) as CacheFile;
    if (v.version === 1 && typeof v.records === "object") return v;
  } catch (e) {
    if (errnoCode(e) !== "ENOENT" && !(e instanceof SyntaxError)) throw e;
  }
  return { version: 1, records: {} };
}

export class BuildCache {
  readonly paths: CachePaths;
  private readonly store: Store;
  private snapshot: CacheFile | undefined;
  private readonly touched = new Set<string>();

  constructor(store: Store) {
    this.store = store;
    this.paths = cachePaths(store.paths.root);
  }

  /** The record for `key`, if any (as of the first lookup of this build). */
  get(key: string): CacheRecord | undefined {
    this.snapshot ??= readCache(this.paths.index);
    const rec = this.snapshot.records[key];
    if (rec !== undefined) this.touched.add(key);
    return rec;
  }

  /** Where the cache keeps its own link to a layer blob. */
  blobPath(digest: Digest): string {
    return join(this.paths.blobs, digestHex(digest));
  }

  /** Keep a hard link to `file` (a layer blob) under the cache, so collection in the store does not lose it. */
  linkBlob(file: string, digest: Digest): void {
    const target = this.blobPath(digest);
    fs.mkdirSync(this.paths.blobs, { recursive: true, mode: 0o700 });
    try {
      fs.linkSync(file, target);
    } catch (e) {
      if (errnoCode(e) === "EEXIST") return;
      if (errnoCode(e) !== "EXDEV") throw e;
      fs.copyFileSync(file, target);
    }
  }

  hasBlob(digest: Digest): boolean {
    return fs.existsSync(this.blobPath(digest));
  }

  /** Record a step's result under the store lock. */
  async put(key: string, record: Omit<CacheRecord, "used">): Promise<void> {
    await this.store.update(() => {
      const file = readCache(this.paths.index);
      file.records[key] = { ...record, used: Date.now() };
      this.write(file);
      this.snapshot = file;
    });
  }

  /** Mark the records this build used as used now (once, at the end of a build). */
  async touch(): Promise<void> {
    if (this.touched.size === 0) return;
    await this.store.update(() => {
      const file = readCache(this.paths.index);
      const now = Date.now();
      for (const key of this.touched) {
        const rec = file.records[key];
        if (rec) rec.used = now;
      }
      this.write(file);
    });
  }

  /** Drop records (all, or those unused since `before` ms) and the blobs no record keeps. */
  async prune(options: { before?: number } = {}): Promise<{ records: number; bytes: number }> {
    return this.store.update(() => {
      const file = readCache(this.paths.index);
      let records = 0;
      for (const [key, rec] of Object.entries(file.records)) {
        if (options.before !== undefined && rec.used >= options.before) continue;
        delete file.records[key];
        records++;
      }
      const keep = new Set(
        Object.values(file.records).flatMap((r) => (r.layer ? [digestHex(r.layer.blob.digest)] : [])),
      );
      let bytes = 0;
      for (const name of safeList(this.paths.blobs)) {
        if (keep.has(name)) continue;
        const p = join(this.paths.blobs, name);
        try {
          const st = fs.statSync(p);
          // A blob the store still holds costs nothing extra (hard link): count only what is freed.
          if (st.nlink <= 1) bytes += st.size;
        } catch {
          /* gone */
        }
        fs.rmSync(p, { force: true });
      }
      if (options.before === undefined) {
        fs.rmSync(this.paths.files, { force: true });
        fs.rmSync(this.paths.mounts, { recursive: true, force: true });
      }
      this.write(file);
      return { records, bytes };
    });
  }

  private write(file: CacheFile): void {
    fs.mkdirSync(this.paths.dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(this.paths.index, JSON.stringify(file));
  }
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
