// An OCI runtime binary (runc, crun) driven through its CLI, with its state under the store root and its
// errors read from the JSON log it writes (--log, --log-format json).
import { spawn, type StdioOptions } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HoistError } from "../errors.ts";

export interface OciRuntime {
  /** "runc", "crun", or a configured name. */
  name: string;
  /** The binary. */
  path: string;
  /** Its state directory (--root). */
  root: string;
}

export interface RuntimeResult {
  code: number;
  stdout: string;
  stderr: string;
}

function globalArgs(rt: OciRuntime, log?: string): string[] {
  return ["--root", rt.root, ...(log ? ["--log", log] : []), "--log-format", "json"];
}

/** Run the runtime once and collect its output. */
export function runRuntime(
  rt: OciRuntime,
  args: string[],
  options: { log?: string; stdio?: StdioOptions; cwd?: string } = {},
): Promise<RuntimeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(rt.path, [...globalArgs(rt, options.log), ...args], {
      stdio: options.stdio ?? ["ignore", "pipe", "pipe"],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d));
    child.stderr?.on("data", (d: Buffer) => (stderr += d));
    child.on("error", (e) =>
      reject(new HoistError("RUNTIME", `cannot run the OCI runtime ${rt.path}: ${e.message}`, { cause: e })),
    );
    child.on("close", (code, signal) => resolve({ code: code ?? 128 + (signal ? 9 : 0), stdout, stderr }));
  });
}

/** The last error message in a runtime's JSON log (file) or JSON stderr; with `errorsOnly`, only error and
 * fatal entries count (the log of a run whose process itself failed has none). */
export function runtimeError(text: string, errorsOnly = false): string {
  let last = "";
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (!t) continue;
    try {
      const j = JSON.parse(t) as { level?: string; msg?: string };
      if (j.msg && (j.level === "error" || j.level === "fatal" || (last === "" && !errorsOnly))) last = j.msg;
    } catch {
      if (!errorsOnly) last = t.replace(/^time="[^"]*" level=\w+ msg="(.*)"$/, "$1");
    }
  }
  return last;
}

export function readLogError(log: string, errorsOnly = false): string {
  try {
    return runtimeError(readFileSync(log, "utf8"), errorsOnly);
  } catch {
    return "";
  }
}

/** Run a runtime command that must succeed; its error message becomes a HoistError. */
export async function runtimeCall(rt: OciRuntime, args: string[], log?: string): Promise<string> {
  const r = await runRuntime(rt, args, log ? { log } : {});
  if (r.code !== 0) {
    const msg = runtimeError(r.stderr) || (log ? readLogError(log) : "") || `exit status ${r.code}`;
    throw new HoistError("RUNTIME", `${rt.name} ${args[0]}: ${msg}`);
  }
  return r.stdout;
}

export interface RuntimeState {
  status: "creating" | "created" | "running" | "paused" | "stopped";
  pid: number;
}

/** `runtime state`; undefined when the runtime does not know the container. */
export async function runtimeState(rt: OciRuntime, id: string): Promise<RuntimeState | undefined> {
  const r = await runRuntime(rt, ["state", id]);
  if (r.code !== 0) return undefined;
  try {
    return JSON.parse(r.stdout) as RuntimeState;
  } catch {
    return undefined;
  }
}

/** `runtime delete --force`, quiet when the container is already gone. */
export async function runtimeDelete(rt: OciRuntime, id: string): Promise<void> {
  const r = await runRuntime(rt, ["delete", "--force", id]);
  if (r.code !== 0 && !/does not exist|not exist|no such/i.test(r.stderr))
    throw new HoistError("RUNTIME", `${rt.name} delete: ${runtimeError(r.stderr)}`);
}

export async function runtimeKill(rt: OciRuntime, id: string, signal: number, all = false): Promise<void> {
  await runtimeCall(rt, ["kill", ...(all ? ["--all"] : []), id, String(signal)]);
}

/** Pids of the container's processes (host pid namespace). */
export async function runtimePids(rt: OciRuntime, id: string): Promise<number[]> {
  const out = await runtimeCall(rt, ["ps", "--format", "json", id]);
  return (JSON.parse(out || "[]") as number[] | null) ?? [];
}

/** Spawn `runtime run --detach` (create and start in one process) with the container's stdio; once it exits
 * the container's init runs, re-parented to the caller (a subreaper). With `createOnly`, `runtime create`:
 * the init waits until `runtimeStart` (the caller finishes something else meanwhile, e.g. the network). */
export function spawnRun(
  rt: OciRuntime,
  options: {
    id: string;
    bundle: string;
    pidFile: string;
    log: string;
    consoleSocket?: string;
    stdio: StdioOptions;
    createOnly?: boolean;
  },
): ReturnType<typeof spawn> {
  const args = [...globalArgs(rt, options.log), ...(options.createOnly ? ["create"] : ["run", "--detach"])];
  args.push("--bundle", options.bundle, "--pid-file", options.pidFile);
  if (options.consoleSocket) args.push("--console-socket", options.consoleSocket);
  args.push(options.id);
  return spawn(rt.path, args, { stdio: options.stdio });
}

/** `runtime start` of a created container: its init runs the process. */
export async function runtimeStart(rt: OciRuntime, id: string, log: string): Promise<void> {
  await runtimeCall(rt, ["start", id], log);
}

/** Spawn `runtime run` in the foreground: the container's process is the runtime's child and its output the
 * runtime's (a build's RUN step); the runtime removes the container when the process ends. */
export function spawnForeground(
  rt: OciRuntime,
  options: { id: string; bundle: string; log: string; stdio: StdioOptions },
): ReturnType<typeof spawn> {
  return spawn(rt.path, [...globalArgs(rt, options.log), "run", "--bundle", options.bundle, options.id], {
    stdio: options.stdio,
  });
}

/** Spawn `runtime exec --detach` of a process.json; the process becomes our child once the runtime exits. */
export function spawnExec(
  rt: OciRuntime,
  options: {
    id: string;
    processFile: string;
    pidFile: string;
    log: string;
    consoleSocket?: string;
    stdio: StdioOptions;
  },
): ReturnType<typeof spawn> {
  const args = [...globalArgs(rt, options.log), "exec", "--detach", "--process", options.processFile];
  args.push("--pid-file", options.pidFile);
  if (options.consoleSocket) args.push("--console-socket", options.consoleSocket);
  args.push(options.id);
  return spawn(rt.path, args, { stdio: options.stdio });
}

/** Open (create) a runtime log file for appending and return its path; truncated per container start. */
export function freshLog(dir: string, name = "runtime.log"): string {
  const path = join(dir, name);
  closeSync(openSync(path, "w", 0o600));
  return path;
}
