// `stats`: a running container's resource use, read where the kernel keeps it: the cgroup of its init (v1
// controllers or the v2 unified tree, found through /proc/PID/cgroup, so it works whatever cgroupsPath the
// runtime was given) and the network namespace's /proc/PID/net/dev. CPU % needs two samples; the caller
// keeps the previous one.
import { readFileSync } from "node:fs";
import { totalmem } from "node:os";
import type { ContainerRecord } from "../store/containers.ts";

export interface Sample {
  /** When it was taken (ms, monotonic). */
  at: number;
  /** CPU time used by the container (ns). */
  cpuNs: number;
  /** Memory in use, without the inactive file cache (docker's figure). */
  memory: number;
  memoryLimit: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function num(text: string | undefined): number {
  const n = Number((text ?? "").trim());
  return Number.isFinite(n) ? n : 0;
}

/** "key value" lines (memory.stat, cpu.stat) as a map. */
function keyed(text: string | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of (text ?? "").split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined) m.set(k, Number(v));
  }
  return m;
}

/** Where each controller's directory is for `pid`: v1 "memory" → /sys/fs/cgroup/memory/…, v2 "" → unified. */
function cgroupDirs(pid: number): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const line of (read(`/proc/${pid}/cgroup`) ?? "").split("\n")) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const [, controllers = "", path = ""] = m;
    if (controllers === "") {
      const base =
        read("/sys/fs/cgroup/cgroup.controllers") !== undefined ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified";
      dirs.set("", `${base}${path}`);
      continue;
    }
    for (const c of controllers.split(",")) dirs.set(c, `/sys/fs/cgroup/${controllers}${path}`);
  }
  return dirs;
}

/** Bytes in and out of the namespace's interfaces other than lo. */
function netIo(pid: number): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of (read(`/proc/${pid}/net/dev`) ?? "").split("\n").slice(2)) {
    const [name = "", rest = ""] = line.split(":");
    if (!rest || name.trim() === "lo") continue;
    const f = rest.trim().split(/\s+/).map(Number);
    rx += f[0] ?? 0;
    tx += f[8] ?? 0;
  }
  return { rx, tx };
}

/** v1 blkio "MAJ:MIN Read N" lines, or v2 io.stat "MAJ:MIN rbytes=N wbytes=N …". */
function blockIo(v1: string | undefined, v2: string | undefined): { read: number; write: number } {
  let r = 0;
  let w = 0;
  for (const line of (v1 ?? "").split("\n")) {
    const [, op, n] = line.trim().split(/\s+/);
    if (op === "Read") r += Number(n);
    if (op === "Write") w += Number(n);
  }
  for (const m of (v2 ?? "").matchAll(/rbytes=(\d+) wbytes=(\d+)/g)) {
    r += Number(m[1]);
    w += Number(m[2]);
  }
  return { read: r, write: w };
}

/** One sample of a running container (its init's pid); zeros for what the host does not account. */
export function sample(pid: number): Sample {
  const dirs = cgroupDirs(pid);
  const unified = dirs.get("");
  const v1 = (c: string, file: string): string | undefined => {
    const d = dirs.get(c);
    return d ? read(`${d}/${file}`) : undefined;
  };
  const v2 = (file: string): string | undefined => (unified ? read(`${unified}/${file}`) : undefined);
  const host = totalmem();
  let cpuNs: number;
  let memory: number;
  let limit: number;
  const cpuacct = v1("cpuacct", "cpuacct.usage");
  if (cpuacct !== undefined) cpuNs = num(cpuacct);
  else cpuNs = (keyed(v2("cpu.stat")).get("usage_usec") ?? 0) * 1000;
  const memUsage = v1("memory", "memory.usage_in_bytes");
  if (memUsage !== undefined) {
    memory = num(memUsage) - (keyed(v1("memory", "memory.stat")).get("total_inactive_file") ?? 0);
    limit = num(v1("memory", "memory.limit_in_bytes"));
  } else {
    memory = num(v2("memory.current")) - (keyed(v2("memory.stat")).get("inactive_file") ?? 0);
    const max = (v2("memory.max") ?? "max").trim();
    limit = max === "max" ? host : Number(max);
  }
  if (!limit || limit > host) limit = host;
  const net = netIo(pid);
  const block = blockIo(v1("blkio", "blkio.throttle.io_service_bytes_recursive"), v2("io.stat"));
  const pids = num(v1("pids", "pids.current") ?? v2("pids.current"));
  return {
    at: performance.now(),
    cpuNs,
    memory: Math.max(0, memory),
    memoryLimit: limit,
    netRx: net.rx,
    netTx: net.tx,
    blockRead: block.read,
    blockWrite: block.write,
    pids,
  };
}

/** CPU % over the interval between two samples, as docker computes it (100% = one CPU busy). */
export function cpuPercent(prev: Sample | undefined, cur: Sample): number {
  if (!prev || cur.at <= prev.at) return 0;
  return Math.max(0, ((cur.cpuNs - prev.cpuNs) / ((cur.at - prev.at) * 1e6)) * 100);
}

/** The pid to sample, or undefined for a container that is not running. */
export function statsPid(c: ContainerRecord): number | undefined {
  return (c.State.Status === "running" || c.State.Status === "paused") && c.State.Pid > 0 ? c.State.Pid : undefined;
}
