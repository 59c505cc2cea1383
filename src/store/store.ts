// The local image store: content-addressed blobs, extracted layers shared by every image that has them,
// and an index of images and names. Reads need no lock; every mutation happens under the store lock.
import { createReadStream, mkdirSync, readFileSync, statSync } from "node:fs";
import type { Readable } from "node:stream";
import { NotFoundError, errnoCode } from "../errors.ts";
import type { Digest } from "../oci/index.ts";
import { acquireLock, type LockOptions } from "./lock.ts";
import { blobPath, layerDiffDir, storePaths, type StorePaths } from "./paths.ts";
import { Staging, cleanupStaging } from "./staging.ts";
import { readState, writeState, type StoreState } from "./state.ts";

export class Store {
  readonly paths: StorePaths;
  private cached: StoreState | undefined;

  constructor(root: string) {
    this.paths = storePaths(root);
  }

  /** The current index (read once per process unless a mutation replaced it). */
  state(): StoreState {
    this.cached ??= readState(this.paths.state);
    return this.cached;
  }

  /**
   * Run `fn` on a fresh copy of the index under the store lock and save what it leaves, atomically.
   * Leftovers of dead processes are cleaned first.
   */
  async update<T>(fn: (state: StoreState) => T | Promise<T>, options: LockOptions = {}): Promise<T> {
    this.ensureRoot();
    const release = await acquireLock(this.paths.lock, options);
    try {
      cleanupStaging(this.paths);
      const state = readState(this.paths.state);
      const before = JSON.stringify(state);
      const result = await fn(state);
      if (JSON.stringify(state) !== before) writeState(this.paths.state, state);
      this.cached = state;
      return result;
    } finally {
      release();
    }
  }

  /** A staging area for new blobs and layers; dispose() it when done (publish happens in commit). */
  async stage(options: LockOptions = {}): Promise<Staging> {
    this.ensureRoot();
    const release = await acquireLock(this.paths.lock, options);
    try {
      cleanupStaging(this.paths);
      return Staging.create(this.paths);
    } finally {
      release();
    }
  }

  /** Publish a staging area's blobs and layers and apply `fn` to the index, all under one lock. */
  async commit<T>(staging: Staging, fn: (state: StoreState) => T | Promise<T>, options: LockOptions = {}): Promise<T> {
    return this.update((state) => {
      staging.publish(this.paths);
      return fn(state);
    }, options);
  }

  ensureRoot(): void {
    mkdirSync(this.paths.root, { recursive: true, mode: 0o700 });
  }

  blobPath(d: Digest): string {
    return blobPath(this.paths, d);
  }

  layerDiffDir(diffId: Digest): string {
    return layerDiffDir(this.paths, diffId);
  }

  hasBlob(d: Digest): boolean {
    try {
      statSync(this.blobPath(d));
      return true;
    } catch {
      return false;
    }
  }

  readBlob(d: Digest): Buffer {
    try {
      return readFileSync(this.blobPath(d));
    } catch (e) {
      if (errnoCode(e) === "ENOENT") throw new NotFoundError("blob", d);
      throw e;
    }
  }

  openBlob(d: Digest, range?: { start: number; end?: number }): Readable {
    const path = this.blobPath(d);
    try {
      statSync(path);
    } catch (e) {
      if (errnoCode(e) === "ENOENT") throw new NotFoundError("blob", d);
      throw e;
    }
    return createReadStream(path, { highWaterMark: 1 << 20, ...(range ?? {}) });
  }
}
