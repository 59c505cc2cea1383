// RUN steps through an OCI runtime binary (runc or crun): a one-shot `run` of a bundle whose root is an overlay
// of the image's layers and the step's upper directory. Output is streamed; an abort kills the process.
// This is the builder's adapter to the container runtime. src/runtime has no public index.ts yet; once it
// exports runtime choice (chooseRuntime), user resolution and a one-shot "run this process on these layers"
// call, this file should delegate to them (the StepRunner interface stays as it is).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { join } from "node:path";
import { HoistError } from "../../errors.ts";
import { resolveInRoot } from "../rootfs-view.ts";
import { buildSpec, SANDBOX_TARGETS } from "./oci-spec.ts";
import type { RunRequest, RunResult, StepRunner } from "./runner.ts";
import { openStepNetwork, type StepNetworkSetup } from "./network.ts";
import { findStubs, mountRootfs, removeStubs, sandboxFiles, unmount } from "./sandbox.ts";
import { resolveExecUser } from "./user.ts";

export interface RuntimeBinary {
  name: string;
  path: string;
  /** The runtime's state directory (--root). */
  stateDir: string;
}

export class RuncRunner implements StepRunner {
  private readonly runtime: () => Promise<RuntimeBinary>;

  constructor(runtime: () => Promise<RuntimeBinary>) {
    this.runtime = runtime;
  }

  async run(req: RunRequest): Promise<RunResult> {
    const rt = await this.runtime();
    const hex = randomBytes(12).toString("hex");
    const id = `hoist-build-${hex}`;
    const rootfs = join(req.scratch, "rootfs");
    const empty = join(req.scratch, "empty");
    fs.mkdirSync(empty, { recursive: true });
    mountRootfs(req.lowers, req.upper, req.work, rootfs, empty);
    let stubs;
    let net: StepNetworkSetup | undefined;
    try {
      const user = resolveExecUser(rootfs, req.user);
      const cwd = resolveInRoot(rootfs, req.cwd);
      fs.mkdirSync(join(rootfs, cwd), { recursive: true, mode: 0o755 });
      stubs = findStubs(rootfs, [...SANDBOX_TARGETS, ...req.mounts.map((m) => m.target)]);
      // The attachment is released in `finally`, whatever happens (failure, abort, Ctrl-C).
      net = await openStepNetwork(req.network, `build-${hex}`, req.hostname);
      const files = sandboxFiles(req.scratch, net.hosts, net.resolvConf);
      const env = withDefaults(req.env, user.home);
      const spec = buildSpec({
        rootfs,
        args: req.args,
        env,
        cwd: req.cwd,
        user,
        hostname: net.hostname,
        netns: net.namespace,
        hostsFile: files.hosts,
        resolvConf: files.resolvConf,
        mounts: req.mounts,
        cgroupsPath: `/hoist-build/${id}`,
      });
      fs.writeFileSync(join(req.scratch, "config.json"), JSON.stringify(spec));
      req.signal?.throwIfAborted();
      return await this.exec(rt, id, req);
    } finally {
      await net?.release();
      unmount(rootfs);
      if (stubs) removeStubs(req.upper, stubs);
    }
  }

  private exec(rt: RuntimeBinary, id: string, req: RunRequest): Promise<RunResult> {
    fs.mkdirSync(rt.stateDir, { recursive: true, mode: 0o700 });
    const log = join(req.scratch, "runtime.log");
    const args = ["--root", rt.stateDir, "--log", log, "--log-format", "json", "run", "--bundle", req.scratch, id];
    return new Promise((resolve, reject) => {
      const child = spawn(rt.path, args, { stdio: ["ignore", "pipe", "pipe"] });
      const onAbort = (): void => {
        spawn(rt.path, ["--root", rt.stateDir, "kill", id, "KILL"], { stdio: "ignore" }).on("error", () => {});
      };
      req.signal?.addEventListener("abort", onAbort, { once: true });
      child.stdout.on("data", (d: Buffer) => req.onOutput("stdout", d));
      child.stderr.on("data", (d: Buffer) => req.onOutput("stderr", d));
      child.on("error", (e) => reject(new HoistError("RUNTIME", `cannot run ${rt.path}: ${e.message}`, { cause: e })));
      child.on("close", (code, signal) => {
        req.signal?.removeEventListener("abort", onAbort);
        if (req.signal?.aborted) {
          reject(req.signal.reason instanceof Error ? req.signal.reason : new HoistError("INTERNAL", "interrupted"));
          return;
        }
        const failure = runtimeFailure(log);
        // runc exits 255 (or 1) with an error in its log when it could not start the process at all.
        if (failure !== "" && (code === 255 || code === 1 || code === 127 || code === 126)) {
          reject(new HoistError("RUNTIME", `${rt.name} run: ${failure}`));
          return;
        }
        resolve(signal ? { exitCode: 128, signal } : { exitCode: code ?? 128 });
      });
    });
  }
}

function withDefaults(env: readonly string[], home: string): string[] {
  const out = [...env];
  const has = (k: string): boolean => out.some((e) => e.startsWith(`${k}=`));
  if (!has("PATH")) out.push("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  if (!has("HOME")) out.push(`HOME=${home}`);
  return out;
}

/** The last error message in the runtime's JSON log. */
function runtimeFailure(log: string): string {
  let text: string;
  try {
    text = fs.readFileSync(log, "utf8");
  } catch {
    return "";
  }
  let last = "";
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const j = JSON.parse(line) as { level?: string; msg?: string };
      if (j.msg && (j.level === "error" || j.level === "fatal")) last = j.msg;
    } catch {
      /* not JSON */
    }
  }
  return last;
}

/** runc (or crun) on the PATH, with its state under the store root as the runtime keeps it. */
export function findRuntimeBinary(storeRoot: string): RuntimeBinary {
  for (const name of ["runc", "crun"]) {
    for (const dir of (process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      const path = join(dir, name);
      try {
        fs.accessSync(path, fs.constants.X_OK);
        return { name, path, stateDir: join(storeRoot, "runtime", name) };
      } catch {
        /* next */
      }
    }
  }
  throw new HoistError("RUNTIME", "no OCI runtime found: install runc (apt-get install runc)");
}
