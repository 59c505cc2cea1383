// A container's own lock (containers/<id>/lock): held by its monitor for as long as the container runs, and
// briefly by commands that work on a stopped container's filesystem (cp, export, rm). The kernel drops it
// when the holder dies, so "is the monitor alive" never trusts a pid that may have been reused.
import { closeSync, openSync, constants } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { HoistError } from "../errors.ts";
import { native } from "../native.ts";

export function lockPath(containerDir: string): string {
  return join(containerDir, "lock");
}

/** Take the lock now, or undefined when someone holds it. The fd is close-on-exec. */
export function tryLock(containerDir: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(lockPath(containerDir), constants.O_RDWR | constants.O_CREAT, 0o600);
  } catch {
    return undefined;
  }
  if (native().flock(fd, true)) return fd;
  closeSync(fd);
  return undefined;
}

/** Wait for the lock (polling) up to `timeoutMs`. */
export async function lock(containerDir: string, timeoutMs: number, what = "the container"): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    const fd = tryLock(containerDir);
    if (fd !== undefined) return fd;
    if (Date.now() > deadline)
      throw new HoistError("CONFLICT", `${what} is busy (another hoist command is working on it)`);
    await sleep(wait);
  }
}

export function unlock(fd: number | undefined): void {
  if (fd !== undefined) closeSync(fd);
}

/** Whether a live process holds the lock (a monitor, or a command working on the container). */
export function isHeld(containerDir: string): boolean {
  const fd = tryLock(containerDir);
  if (fd === undefined) return true;
  closeSync(fd);
  return false;
}
