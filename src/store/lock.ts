// The store lock: an flock on <root>/lock. The kernel drops it when a process dies, so kill -9 never wedges the store.
import { closeSync, openSync, constants } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { HoistError } from "../errors.ts";
import { native } from "../native.ts";

export interface LockOptions {
  /** Give up after this long (ms). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Take an exclusive lock on `path`, waiting (polling) while another process holds it. */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<() => void> {
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600);
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  let wait = 2;
  try {
    while (!native().flock(fd, true)) {
      options.signal?.throwIfAborted();
      if (Date.now() > deadline) throw new HoistError("LOCKED", `timed out waiting for the store lock ${path}`);
      await sleep(wait);
      wait = Math.min(wait * 2, 50);
    }
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    closeSync(fd);
  };
}

/** Try once to take an exclusive lock on an already open fd. */
export function tryLockFd(fd: number): boolean {
  return native().flock(fd, true);
}

export async function withLock<T>(path: string, fn: () => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  const release = await acquireLock(path, options);
  try {
    return await fn();
  } finally {
    release();
  }
}
