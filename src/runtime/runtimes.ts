// Which OCI runtime runs containers: --runtime, $HOIST_RUNTIME, <root>/config.json ("default-runtime",
// "runtimes": { name: { path } } as docker's daemon.json), else the first of runc, crun that works here.
// "Works" is found once by a probe (a container whose process does not exist: a runtime that gets as far
// as exec'ing it can create namespaces and cgroups on this host) and remembered per binary and boot.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { HoistError } from "../errors.ts";
import { writeFileAtomic } from "../store/atomic.ts";
import { withLock } from "../store/lock.ts";
import { runRuntime, runtimeDelete, runtimeError, type OciRuntime } from "./oci-runtime.ts";

const builtin = ["runc", "crun"];

interface Probe {
  path: string;
  mtimeMs: number;
  boot: string;
  ok: boolean;
  error: string;
}

export interface RuntimeChoice {
  runtime: OciRuntime;
  /** Runtimes that were skipped and why (for `info`). */
  broken: { name: string; error: string }[];
}

function findInPath(bin: string): string | undefined {
  if (bin.includes("/")) return bin;
  for (const dir of (process.env.PATH || "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").split(
    delimiter,
  )) {
    const p = join(dir, bin);
    // stat, not access: a miss in each of a long PATH's directories must not cost an exception.
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isFile() && st.mode & 0o111) return p;
  }
  return undefined;
}

interface Config {
  "default-runtime"?: string;
  runtimes?: Record<string, { path: string }>;
}

function readConfig(root: string): Config {
  try {
    return JSON.parse(readFileSync(join(root, "config.json"), "utf8")) as Config;
  } catch {
    return {};
  }
}

/** Configured and installed runtimes: name → binary. */
export function availableRuntimes(root: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of builtin) {
    const p = findInPath(name);
    if (p) out.set(name, p);
  }
  for (const [name, r] of Object.entries(readConfig(root).runtimes ?? {})) {
    const p = findInPath(r.path);
    if (p) out.set(name, p);
  }
  return out;
}

function bootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "";
  }
}

function probeCachePath(root: string): string {
  return join(root, "runtime", "probes.json");
}

function readProbes(root: string): Record<string, Probe> {
  try {
    return JSON.parse(readFileSync(probeCachePath(root), "utf8")) as Record<string, Probe>;
  } catch {
    return {};
  }
}

/** Whether `name` at `path` can run containers on this host (probed once per binary and boot). */
export async function probeRuntime(root: string, name: string, path: string): Promise<Probe> {
  const mtimeMs = statSync(path).mtimeMs;
  const boot = bootId();
  const cached = readProbes(root)[name];
  if (cached && cached.path === path && cached.mtimeMs === mtimeMs && cached.boot === boot) return cached;
  const probe: Probe = { path, mtimeMs, boot, ...(await runProbe(root, name, path)) };
  mkdirSync(join(root, "runtime"), { recursive: true, mode: 0o700 });
  await withLock(join(root, "lock"), () =>
    writeFileAtomic(probeCachePath(root), JSON.stringify({ ...readProbes(root), [name]: probe })),
  );
  return probe;
}

async function runProbe(root: string, name: string, path: string): Promise<{ ok: boolean; error: string }> {
  const bundle = mkdtempSync(join(tmpdir(), "hoist-probe-"));
  const id = `hoist-probe-${process.pid}-${Date.now()}`;
  const rt: OciRuntime = { name, path, root: join(root, "runtime", name) };
  try {
    mkdirSync(join(bundle, "rootfs", "proc"), { recursive: true });
    const spec = {
      ociVersion: "1.0.2",
      process: { args: ["/hoist-probe"], cwd: "/", env: ["PATH=/"], user: { uid: 0, gid: 0 } },
      root: { path: join(bundle, "rootfs"), readonly: true },
      mounts: [{ destination: "/proc", type: "proc", source: "proc" }],
      linux: {
        namespaces: [{ type: "pid" }, { type: "mount" }, { type: "ipc" }, { type: "uts" }],
        cgroupsPath: `/hoist/${id}`,
      },
    };
    writeFileSync(join(bundle, "config.json"), JSON.stringify(spec));
    const log = join(bundle, "log.json");
    const r = await runRuntime(rt, ["create", "--bundle", bundle, id], { log, stdio: ["ignore", "ignore", "pipe"] });
    let logText = "";
    try {
      logText = readFileSync(log, "utf8");
    } catch {
      /* none */
    }
    const error = runtimeError(logText) || runtimeError(r.stderr);
    await runtimeDelete(rt, id).catch(() => {});
    if (r.code === 0) return { ok: true, error: "" };
    // It got as far as exec'ing the (missing) process: namespaces and cgroups work.
    if (/hoist-probe/.test(error) && /no such file|not found/i.test(error)) return { ok: true, error: "" };
    return { ok: false, error: error.replace(/^\w+ create failed: /, "") || `exit status ${r.code}` };
  } finally {
    rmSync(bundle, { recursive: true, force: true });
  }
}

/** The runtime to use: `requested` (--runtime) or the configured or first working default. */
export async function chooseRuntime(root: string, requested?: string): Promise<RuntimeChoice> {
  const available = availableRuntimes(root);
  const wanted = requested || process.env.HOIST_RUNTIME || readConfig(root)["default-runtime"];
  const state = (name: string, path: string): OciRuntime => ({ name, path, root: join(root, "runtime", name) });
  if (wanted) {
    const path = available.get(wanted);
    if (!path)
      throw new HoistError("INVALID_ARGUMENT", `unknown or invalid runtime name: ${wanted}`, { exitCode: 125 });
    const p = await probeRuntime(root, wanted, path);
    if (!p.ok) {
      const working = await firstWorking(root, available, wanted);
      const hint = working ? ` (${working.name} works: use --runtime ${working.name})` : "";
      throw new HoistError("RUNTIME", `runtime ${wanted} cannot run containers on this host: ${p.error}${hint}`, {
        exitCode: 125,
      });
    }
    return { runtime: state(wanted, path), broken: [] };
  }
  const broken: { name: string; error: string }[] = [];
  for (const [name, path] of available) {
    const p = await probeRuntime(root, name, path);
    if (p.ok) return { runtime: state(name, path), broken };
    broken.push({ name, error: p.error });
  }
  if (available.size === 0)
    throw new HoistError("RUNTIME", "no OCI runtime found: install runc (apt-get install runc)", { exitCode: 125 });
  throw new HoistError(
    "RUNTIME",
    `no OCI runtime works on this host: ${broken.map((b) => `${b.name}: ${b.error}`).join("; ")}`,
    { exitCode: 125 },
  );
}

async function firstWorking(
  root: string,
  available: Map<string, string>,
  except: string,
): Promise<{ name: string } | undefined> {
  for (const [name, path] of available) {
    if (name === except) continue;
    if ((await probeRuntime(root, name, path)).ok) return { name };
  }
  return undefined;
}

/** The runtime a container was created with (its name), located again. */
export function runtimeByName(root: string, name: string): OciRuntime {
  const path = availableRuntimes(root).get(name);
  if (!path) throw new HoistError("RUNTIME", `the container's runtime ${name} is not installed any more`);
  return { name, path, root: join(root, "runtime", name) };
}
