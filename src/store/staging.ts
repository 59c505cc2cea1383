// A per-process staging area under tmp/: blobs and extracted layers are written here first, then renamed
// into place under the store lock. A staging area whose owner died (its flock is free) is removed by the
// next mutation, so a kill -9 at any moment leaves nothing visible and nothing that lingers.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  constants,
  unlinkSync,
} from "node:fs";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { nodeCrypto, randomHex } from "../random.ts";
import { HoistError } from "../errors.ts";
import { digestHex, type Digest } from "../oci/index.ts";
import { fsyncDir, writeFileAtomic } from "./atomic.ts";
import { tryLockFd } from "./lock.ts";
import { blobPath, layerDir, type StorePaths } from "./paths.ts";

export interface StagedBlob {
  digest: Digest;
  size: number;
}

export class Staging {
  readonly dir: string;
  private readonly lockPath: string;
  private lockFd: number | undefined;
  private readonly blobs = new Map<string, StagedBlob>();
  private readonly layers = new Set<Digest>();
  private counter = 0;

  constructor(dir: string, lockPath: string, lockFd: number) {
    this.dir = dir;
    this.lockPath = lockPath;
    this.lockFd = lockFd;
  }

  /** Create a staging area. Call with the store lock held (so cleanup never races creation). */
  static create(paths: StorePaths): Staging {
    mkdirSync(paths.tmp, { recursive: true });
    const name = `${process.pid}-${randomHex(4)}`;
    const lockPath = join(paths.tmp, `${name}.lock`);
    const fd = openSync(lockPath, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o600);
    if (!tryLockFd(fd)) throw new HoistError("INTERNAL", `cannot lock fresh staging area ${lockPath}`);
    const dir = join(paths.tmp, name);
    mkdirSync(join(dir, "blobs"), { recursive: true });
    mkdirSync(join(dir, "layers"), { recursive: true });
    return new Staging(dir, lockPath, fd);
  }

  /** A fresh path inside the staging area for scratch files. */
  scratch(prefix = "f"): string {
    return join(this.dir, `${prefix}-${this.counter++}`);
  }

  /** Stream a blob into the staging area, hashing it; verify against `expected` when given. */
  async writeBlob(
    source: Readable,
    expected?: { digest: Digest; size?: number },
    signal?: AbortSignal,
  ): Promise<StagedBlob> {
    const tmp = this.scratch("blob");
    const hash = nodeCrypto().createHash("sha256");
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    await pipeline(
      source,
      tap,
      createWriteStream(tmp, { flush: true, highWaterMark: 1 << 20 }),
      signal ? { signal } : {},
    );
    const digest = `sha256:${hash.digest("hex")}` as Digest;
    if (
      expected &&
      (expected.digest !== digest || (expected.size !== undefined && expected.size >= 0 && expected.size !== size))
    ) {
      rmSync(tmp, { force: true });
      throw new HoistError(
        "DIGEST_INVALID",
        `blob digest mismatch: expected ${expected.digest} (${expected.size ?? "?"} bytes), got ${digest} (${size} bytes)`,
      );
    }
    return this.adopt(tmp, digest, size);
  }

  /** Stage small bytes (configs, manifests). */
  writeBlobBytes(bytes: Buffer, digest: Digest): StagedBlob {
    const tmp = this.scratch("blob");
    writeFileAtomic(tmp, bytes);
    return this.adopt(tmp, digest, bytes.length);
  }

  /** Take a file already written in the staging area as the blob `digest`. */
  adopt(file: string, digest: Digest, size: number): StagedBlob {
    const hex = digestHex(digest);
    if (this.blobs.has(hex)) rmSync(file, { force: true });
    else renameSync(file, join(this.dir, "blobs", hex));
    const b = { digest, size };
    this.blobs.set(hex, b);
    return b;
  }

  hasBlob(digest: Digest): boolean {
    return this.blobs.has(digestHex(digest));
  }

  /** Where to extract layer `diffId` (its diff/ inside); the caller fills it, then calls addLayer. */
  layerPath(diffId: Digest): string {
    return join(this.dir, "layers", digestHex(diffId));
  }

  addLayer(diffId: Digest): void {
    this.layers.add(diffId);
  }

  hasLayer(diffId: Digest): boolean {
    return this.layers.has(diffId);
  }

  /** Move staged blobs and layers into the store. Call with the store lock held. Idempotent per item. */
  publish(paths: StorePaths): void {
    const dirs = new Set<string>();
    for (const [hex, b] of this.blobs) {
      const target = blobPath(paths, b.digest);
      const from = join(this.dir, "blobs", hex);
      if (!existsSync(from)) continue;
      if (existsSync(target)) continue;
      const dir = join(paths.blobs, "sha256");
      if (!dirs.has(dir)) mkdirSync(dir, { recursive: true });
      dirs.add(dir);
      renameSync(from, target);
    }
    for (const diffId of this.layers) {
      const target = layerDir(paths, diffId);
      const from = this.layerPath(diffId);
      if (!existsSync(from) || existsSync(target)) continue;
      mkdirSync(paths.layers, { recursive: true });
      dirs.add(paths.layers);
      renameSync(from, target);
    }
    for (const d of dirs) fsyncDir(d);
  }

  /** Remove the staging area and release its lock. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
    if (this.lockFd !== undefined) {
      unlinkSync(this.lockPath);
      closeSync(this.lockFd);
      this.lockFd = undefined;
    }
  }
}

/** Remove staging areas whose owners are gone. Call with the store lock held. Returns what was removed. */
export function cleanupStaging(paths: StorePaths): string[] {
  let names: string[];
  try {
    names = readdirSync(paths.tmp);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const locks = new Set(names.filter((n) => n.endsWith(".lock")).map((n) => n.slice(0, -5)));
  for (const name of locks) {
    const lockPath = join(paths.tmp, `${name}.lock`);
    let fd: number;
    try {
      fd = openSync(lockPath, constants.O_RDWR);
    } catch {
      continue;
    }
    try {
      if (!tryLockFd(fd)) continue; // owner alive
      rmSync(join(paths.tmp, name), { recursive: true, force: true });
      unlinkSync(lockPath);
      removed.push(name);
    } finally {
      closeSync(fd);
    }
  }
  for (const name of names) {
    if (name.endsWith(".lock") || locks.has(name)) continue;
    // A directory without a lock file cannot belong to a live process (the lock file is made first).
    try {
      statSync(join(paths.tmp, name));
      rmSync(join(paths.tmp, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      /* gone already */
    }
  }
  return removed;
}
