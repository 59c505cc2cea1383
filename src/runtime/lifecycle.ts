// The container lifecycle after create: start (attached or detached), stop, kill, wait, pause/unpause,
// restart, rm, prune; and recovery of containers whose monitor died (kill -9, reboot).
import fs from "node:fs";
import { spawn } from "node:child_process";
import { constants as osConstants } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { HoistError } from "../errors.ts";
import { getContainer, type ContainerRecord, type ContainersState } from "../store/containers.ts";
import { isHeld, lock, tryLock, unlock } from "./busy-lock.ts";
import type { Engine } from "./engine.ts";
import { cleanupRun, deleteContainer } from "./finish.ts";
import { runContainer, StartError, type MonitorOptions } from "./monitor.ts";
import { runtimeCall, runtimeKill, runtimeState } from "./oci-runtime.ts";

const LOCK_WAIT_MS = 30_000;
/** The exit code recorded when a container ended while nobody watched it. */
const UNKNOWN_EXIT = 255;

/** Running as far as commands are concerned: running, paused, or being started by a live monitor. */
export function isActive(c: ContainerRecord): boolean {
  return c.State.Status === "running" || c.State.Status === "paused" || c.State.Monitored === true;
}

/** The index, after finishing the records of containers whose monitor died. Cheap when none did. */
export async function refresh(engine: Engine): Promise<ContainersState> {
  const cs = engine.containers.read();
  let changed = false;
  for (const c of Object.values(cs.containers)) {
    if (!isActive(c)) continue;
    if (c.State.Monitored && isHeld(engine.dir(c.Id))) continue;
    changed = (await recover(engine, c)) || changed;
  }
  return changed ? engine.containers.read() : cs;
}

/** A container without a live monitor: if the runtime still runs it, leave it (stop/kill reach it through the
 * runtime); otherwise clean up after it and record its end. */
async function recover(engine: Engine, c: ContainerRecord): Promise<boolean> {
  const rt = engine.runtime(c);
  const st = await runtimeState(rt, c.Id).catch(() => undefined);
  if (st && (st.status === "running" || st.status === "paused")) {
    if (!c.State.Monitored) return false;
    await engine.containers.change(c.Id, (r) => {
      if (!r) return;
      r.State.Monitored = false;
      r.State.Status = st.status === "paused" ? "paused" : "running";
      r.State.Pid = st.pid;
    });
    return true;
  }
  const fd = tryLock(engine.dir(c.Id));
  if (fd === undefined) return false;
  try {
    await cleanupRun(engine, c, rt);
    if (c.HostConfig.AutoRemove) await deleteContainer(engine, c.Id, true);
    else
      await engine.containers.change(c.Id, (r) => {
        if (!r) return;
        const wasRunning = r.State.Status === "running" || r.State.Status === "paused";
        r.State.Monitored = false;
        delete r.State.MonitorPid;
        r.State.Pid = 0;
        if (wasRunning) {
          r.State.Status = "exited";
          r.State.ExitCode = UNKNOWN_EXIT;
          r.State.FinishedAt = new Date().toISOString();
        }
      });
  } finally {
    unlock(fd);
  }
  return true;
}

export async function findActive(engine: Engine, ref: string): Promise<ContainerRecord> {
  const cs = await refresh(engine);
  return getContainer(cs, ref);
}

/** Wait until the container is not active; false on timeout. Resolves with the final record (or undefined
 * when it was removed). */
export async function waitForExit(
  engine: Engine,
  id: string,
  timeoutMs = Infinity,
  signal?: AbortSignal,
): Promise<{ done: boolean; record?: ContainerRecord }> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5, round = 0; ; wait = Math.min(wait * 2, 50), round++) {
    const cs = round % 10 === 9 ? await refresh(engine) : engine.containers.read();
    const c = cs.containers[id];
    if (!c) return { done: true };
    if (!isActive(c)) return { done: true, record: c };
    if (c.State.Monitored && !isHeld(engine.dir(id))) {
      await refresh(engine);
      continue;
    }
    if (!c.State.Monitored) {
      // Running without a monitor (its monitor died): ask the runtime.
      const st = await runtimeState(engine.runtime(c), id).catch(() => undefined);
      if (!st || st.status === "stopped") {
        await refresh(engine);
        continue;
      }
    }
    if (Date.now() >= deadline) return { done: false, record: c };
    if (signal?.aborted) throw signal.reason;
    await sleep(Math.min(wait, Math.max(1, deadline - Date.now())));
  }
}

/** "TERM", "SIGTERM", "15" → 15. */
export function signalNumber(s: string): number {
  const t = s.trim().toUpperCase();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    if (n < 1 || n > 64) throw new HoistError("INVALID_ARGUMENT", `Invalid signal: ${s}`);
    return n;
  }
  const name = (t.startsWith("SIG") ? t : `SIG${t}`) as keyof typeof osConstants.signals;
  const n = osConstants.signals[name];
  if (n === undefined) throw new HoistError("INVALID_ARGUMENT", `Invalid signal: ${s}`);
  return n;
}

function notRunning(c: ContainerRecord): HoistError {
  return new HoistError("CONFLICT", `Container ${c.Id} is not running`);
}

export interface StartOptions extends MonitorOptions {
  /** Stay attached: this process is the monitor and the call returns the exit code. */
  attached?: boolean;
  /** A lock already held (run: create kept it). */
  lockFd?: number;
}

/** Start a container. Attached: runs it to the end and returns its exit code. Detached: returns once it runs. */
export async function startContainer(engine: Engine, ref: string, o: StartOptions = {}): Promise<number | undefined> {
  let c = o.lockFd === undefined ? await findActive(engine, ref) : engine.containers.get(ref);
  if (c.State.Status === "paused")
    throw new HoistError("CONFLICT", "cannot start a paused container, try unpause instead");
  if (o.lockFd === undefined && isActive(c)) return undefined;
  const fd = o.lockFd ?? (await lock(engine.dir(c.Id), LOCK_WAIT_MS));
  try {
    c = engine.containers.get(c.Id);
    if (c.State.Status === "running") {
      unlock(fd);
      return undefined;
    }
  } catch (e) {
    unlock(fd);
    throw e;
  }
  if (o.attached) return runContainer(engine, c, fd, o);
  await startDetached(engine, c, fd);
  return undefined;
}

/** The monitor program: dist/monitor.js next to the bundle, or monitor-main.ts when running from source. */
function monitorEntry(): string {
  const here = import.meta.url;
  return new URL(here.endsWith(".ts") ? "./monitor-main.ts" : "./monitor.js", here).pathname;
}

/** Hand the container (and its lock) to a new detached monitor process; return once the process runs. */
async function startDetached(engine: Engine, c: ContainerRecord, lockFd: number): Promise<void> {
  const dir = engine.dir(c.Id);
  const errFd = fs.openSync(join(dir, "monitor.log"), "a", 0o600);
  let child;
  try {
    child = spawn(process.execPath, [monitorEntry(), engine.root, c.Id], {
      detached: true,
      stdio: ["ignore", errFd, errFd, lockFd, "pipe"],
    });
  } finally {
    fs.closeSync(errFd);
    unlock(lockFd);
  }
  child.unref();
  const report = child.stdio[4] as NodeJS.ReadableStream & { destroy(): void; unref?(): void };
  const text = await new Promise<string>((resolve) => {
    let buf = "";
    report.on("data", (d: Buffer) => {
      buf += d.toString();
      if (buf.includes("\n")) resolve(buf);
    });
    report.on("close", () => resolve(buf));
    report.on("error", () => resolve(buf));
  });
  report.destroy();
  let r: { ok: boolean; message?: string; exitCode?: number } | undefined;
  try {
    r = JSON.parse(text.split("\n")[0] ?? "") as typeof r;
  } catch {
    r = undefined;
  }
  if (!r) throw new HoistError("RUNTIME", `the container's monitor failed: see ${join(dir, "monitor.log")}`);
  if (!r.ok) throw new StartError(r.message ?? "start failed", r.exitCode ?? 125);
}

export async function stopContainer(engine: Engine, ref: string, timeoutSec?: number, sig?: string): Promise<void> {
  const c = await findActive(engine, ref);
  if (!isActive(c)) return;
  const rt = engine.runtime(c);
  const signal = signalNumber(sig ?? c.Config.StopSignal ?? "SIGTERM");
  const timeout = timeoutSec ?? c.Config.StopTimeout ?? 10;
  if (c.State.Status === "running" || c.State.Status === "paused") {
    await runtimeKill(rt, c.Id, signal).catch(() => {});
    if (c.State.Status === "paused") await runtimeCall(rt, ["resume", c.Id]).catch(() => {});
  }
  const waited = await waitForExit(engine, c.Id, timeout < 0 ? Infinity : timeout * 1000);
  if (waited.done) return;
  await runtimeKill(rt, c.Id, 9, true).catch(() => {});
  await waitForExit(engine, c.Id);
}

export async function killContainer(engine: Engine, ref: string, sig = "KILL"): Promise<void> {
  const signal = signalNumber(sig);
  const c = await findActive(engine, ref);
  if (c.State.Status !== "running" && c.State.Status !== "paused")
    throw new HoistError("CONFLICT", `Cannot kill container: ${ref}: Container ${c.Id} is not running`);
  await runtimeKill(engine.runtime(c), c.Id, signal, signal === 9);
  if (signal === 9) await waitForExit(engine, c.Id, 10_000);
}

export async function pauseContainer(engine: Engine, ref: string, pause: boolean): Promise<void> {
  const c = await findActive(engine, ref);
  if (pause && c.State.Status === "paused") throw new HoistError("CONFLICT", `Container ${c.Id} is already paused`);
  if (!pause && c.State.Status !== "paused") throw new HoistError("CONFLICT", `Container ${c.Id} is not paused`);
  if (c.State.Status !== "running" && c.State.Status !== "paused") throw notRunning(c);
  await runtimeCall(engine.runtime(c), [pause ? "pause" : "resume", c.Id]);
  await engine.containers.change(c.Id, (r) => {
    if (r && (r.State.Status === "running" || r.State.Status === "paused"))
      r.State.Status = pause ? "paused" : "running";
  });
}

export async function restartContainer(engine: Engine, ref: string, timeoutSec?: number): Promise<void> {
  const c = await findActive(engine, ref);
  await stopContainer(engine, c.Id, timeoutSec);
  await startContainer(engine, c.Id);
  await engine.containers.change(c.Id, (r) => {
    if (r) r.RestartCount += 1;
  });
}

/** `rm`: refuses a running container unless `force` (then kills it first). */
export async function removeContainer(
  engine: Engine,
  ref: string,
  o: { force?: boolean; volumes?: boolean } = {},
): Promise<void> {
  const c = await findActive(engine, ref);
  if (isActive(c)) {
    if (!o.force) {
      if (c.State.Status === "paused")
        throw new HoistError(
          "CONFLICT",
          `cannot remove container "/${c.Name}": container is paused: unpause and stop the container before removing or force remove`,
        );
      throw new HoistError(
        "CONFLICT",
        `cannot remove container "/${c.Name}": container is running: stop the container before removing or force remove`,
      );
    }
    await runtimeKill(engine.runtime(c), c.Id, 9, true).catch(() => {});
    if (c.State.Status === "paused") await runtimeCall(engine.runtime(c), ["resume", c.Id]).catch(() => {});
    await waitForExit(engine, c.Id, 30_000);
  }
  const fd = await lock(engine.dir(c.Id), LOCK_WAIT_MS).catch((e: unknown) => {
    if (!fs.existsSync(engine.dir(c.Id))) return undefined;
    throw e;
  });
  try {
    const now = engine.containers.read().containers[c.Id];
    if (!now) return;
    if (isActive(now) && !o.force)
      throw new HoistError("CONFLICT", `cannot remove container "/${now.Name}": container is running`);
    await cleanupRun(engine, now, engine.runtime(now));
    await deleteContainer(engine, c.Id, o.volumes ?? false);
  } finally {
    unlock(fd);
  }
}

export interface PruneResult {
  deleted: string[];
  reclaimed: number;
}

/** `container prune`: every container that is not running (and passes `keep`). */
export async function pruneContainers(
  engine: Engine,
  keep: (c: ContainerRecord) => boolean = () => true,
): Promise<PruneResult> {
  const cs = await refresh(engine);
  const out: PruneResult = { deleted: [], reclaimed: 0 };
  for (const c of Object.values(cs.containers)) {
    if (isActive(c) || !keep(c)) continue;
    let size: number;
    try {
      size = (await engine.driver(c.Driver)).sizeRw(c.Id, engine.lowers(c));
    } catch {
      size = 0;
    }
    try {
      await removeContainer(engine, c.Id, { volumes: false });
      out.deleted.push(c.Id);
      out.reclaimed += size;
    } catch (e) {
      if (!(e instanceof HoistError)) throw e;
    }
  }
  return out;
}
