// The storage driver interface: a flat namespace of slash-separated keys holding byte objects.
// The filesystem driver maps keys to files under a root; an object-store driver (S3) can map them to objects.
// Every registry state lives here (blobs, links, tags, upload sessions), so stateless servers can share one storage.
import type { Readable, Writable } from "node:stream";

export interface FileInfo {
  size: number;
  modTime: Date;
  isDir: boolean;
}

export interface AppendOptions {
  /** The object's size the caller expects before appending; a mismatch throws an OffsetMismatch error. */
  offset: number;
  signal?: AbortSignal;
}

export interface ReadOptions {
  /** First byte to read (inclusive). */
  start?: number;
  /** Last byte to read (inclusive). */
  end?: number;
}

export interface StorageDriver {
  readonly name: string;
  /** The whole content of a small object, or undefined when it does not exist. */
  getContent(key: string): Promise<Buffer | undefined>;
  /**
   * Replaces an object atomically: readers see the old or the new content, never a mix. `durable: false` skips
   * making it survive a power loss (for data that is only a cache).
   */
  putContent(key: string, data: string | Uint8Array, options?: { durable?: boolean }): Promise<void>;
  stat(key: string): Promise<FileInfo | undefined>;
  /** Names of the direct children of a key prefix ("directory"); empty when there are none. */
  list(key: string): Promise<string[]>;
  /** Deletes an object or a whole prefix; false when nothing was there. */
  delete(key: string): Promise<boolean>;
  /** Moves an object atomically, replacing any object at `to`; the data is durable before it appears at `to`. */
  move(from: string, to: string): Promise<void>;
  /** A stream of an object's bytes (or a range of them), or undefined when it does not exist. */
  reader(key: string, options?: ReadOptions): Promise<Readable | undefined>;
  /**
   * Optional fast path: writes an object's bytes (or a range) into `out` and ends it; false when the object does not
   * exist. Drivers implement it when they can beat `reader` piped into `out`.
   */
  sendTo?(key: string, out: Writable, options?: ReadOptions): Promise<boolean>;
  /** Appends a stream to an object (created when offset is 0); returns the number of bytes appended. */
  append(
    key: string,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: AppendOptions,
  ): Promise<number>;
  /** Cuts an object back to `size` bytes (undoing a failed append). */
  truncate(key: string, size: number): Promise<void>;
  /** Marks an object as used now (its modTime), so garbage collection's grace period protects it. */
  touch(key: string): Promise<void>;
  /**
   * Holds an exclusive lock on an existing object across every process sharing this storage (an upload session's
   * appends and commit), waiting up to `timeoutMs`; resolves to the release function, or undefined when the object
   * does not exist.
   */
  lock(key: string, timeoutMs?: number): Promise<(() => Promise<void>) | undefined>;
}

/** Thrown by lock when the lock stays held by someone else for too long. */
export class LockTimeout extends Error {
  constructor(key: string) {
    super(`timed out waiting for the lock on ${key}`);
    this.name = "LockTimeout";
  }
}

/** Thrown by append when the object's size is not the expected offset. */
export class OffsetMismatch extends Error {
  readonly actual: number;
  constructor(actual: number) {
    super(`offset mismatch: object has ${actual} bytes`);
    this.name = "OffsetMismatch";
    this.actual = actual;
  }
}
