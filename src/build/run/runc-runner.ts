// RUN steps through the container runtime module (src/runtime): its runtime choice (runc or crun, probed),
// its OCI spec builder and user resolution, and a one-shot foreground `run` of a bundle whose root is an
// overlay of the image's layers and the step's upper directory. Output is streamed; an abort kills the
// process. The step's network is set up before and always released after (network.ts).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { join } from "node:path";
import { HoistError } from "../../errors.ts";
import { effectiveCaps } from "../../runtime/caps.ts";
import { readLogError, runtimeKill, spawnForeground, type OciRuntime } from "../../runtime/oci-runtime.ts";
import { defaultMountTargets, sandboxProcess, sandboxSpec, type OciMount } from "../../runtime/spec.ts";
import { resolveUser } from "../../runtime/user.ts";
import { resolveInRoot } from "../rootfs-view.ts";
import { openStepNetwork, type StepNetworkSetup } from "./network.ts";
import type { RunMount, RunRequest, RunResult, StepRunner } from "./runner.ts";
import { findStubs, mountRootfs, removeStubs, sandboxFiles, unmount } from "./sandbox.ts";

export class RuncRunner implements StepRunner {
  private readonly runtime: () => Promise<OciRuntime>;

  constructor(runtime: () => Promise<OciRuntime>) {
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
      const user = resolveUser(rootfs, req.user);
      const cwd = resolveInRoot(rootfs, req.cwd);
      fs.mkdirSync(join(rootfs, cwd), { recursive: true, mode: 0o755 });
      const targets = defaultMountTargets({ hosts: "", resolvConf: "" });
      stubs = findStubs(rootfs, [...targets, ...req.mounts.map((m) => m.target)]);
      // The attachment is released in `finally`, whatever happens (failure, abort, Ctrl-C).
      net = await openStepNetwork(req.network, `build-${hex}`, req.hostname);
      const files = sandboxFiles(req.scratch, net.hosts, net.resolvConf);
      const spec = sandboxSpec({
        rootfs,
        readonlyRootfs: false,
        // docker build's sandbox: docker's default capabilities, setuid binaries work (no no_new_privs).
        process: sandboxProcess({
          args: [...req.args],
          env: withDefaults(req.env, user.home),
          cwd: req.cwd,
          user,
          terminal: false,
          caps: effectiveCaps([], [], false),
          noNewPrivileges: false,
        }),
        hostname: net.hostname,
        netns: net.namespace,
        files: { ...files, readOnly: true },
        cgroupMount: false,
        privileged: false,
        mounts: req.mounts.map(ociMount),
        cgroupsPath: `/hoist-build/${id}`,
      });
      fs.writeFileSync(join(req.scratch, "config.json"), JSON.stringify(spec));
      req.signal?.throwIfAborted();
      return await exec(rt, id, req);
    } finally {
      await net?.release();
      unmount(rootfs);
      if (stubs) removeStubs(req.upper, stubs);
    }
  }
}

function ociMount(m: RunMount): OciMount {
  if (m.type === "tmpfs") {
    const size = m.size === undefined ? [] : [`size=${m.size}`];
    return { destination: m.target, type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", ...size] };
  }
  return {
    destination: m.target,
    type: "bind",
    source: m.source,
    options: ["rbind", "rprivate", m.readOnly ? "ro" : "rw"],
  };
}

function exec(rt: OciRuntime, id: string, req: RunRequest): Promise<RunResult> {
  fs.mkdirSync(rt.root, { recursive: true, mode: 0o700 });
  const log = join(req.scratch, "runtime.log");
  return new Promise((resolve, reject) => {
    const child = spawnForeground(rt, { id, bundle: req.scratch, log, stdio: ["ignore", "pipe", "pipe"] });
    const onAbort = (): void => void runtimeKill(rt, id, 9).catch(() => {});
    req.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout?.on("data", (d: Buffer) => req.onOutput("stdout", d));
    child.stderr?.on("data", (d: Buffer) => req.onOutput("stderr", d));
    child.on("error", (e) => reject(new HoistError("RUNTIME", `cannot run ${rt.path}: ${e.message}`, { cause: e })));
    child.on("close", (code, signal) => {
      req.signal?.removeEventListener("abort", onAbort);
      if (req.signal?.aborted) {
        reject(req.signal.reason instanceof Error ? req.signal.reason : new HoistError("INTERNAL", "interrupted"));
        return;
      }
      const failure = readLogError(log, true);
      // runc exits 255 (or 1) with an error in its log when it could not start the process at all.
      if (failure !== "" && (code === 255 || code === 1 || code === 127 || code === 126)) {
        reject(new HoistError("RUNTIME", `${rt.name} run: ${failure}`));
        return;
      }
      resolve(signal ? { exitCode: 128, signal } : { exitCode: code ?? 128 });
    });
  });
}

function withDefaults(env: readonly string[], home: string): string[] {
  const out = [...env];
  const has = (k: string): boolean => out.some((e) => e.startsWith(`${k}=`));
  if (!has("PATH")) out.push("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  if (!has("HOME")) out.push(`HOME=${home}`);
  return out;
}
