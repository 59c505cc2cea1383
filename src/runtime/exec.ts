// `exec`: a new process in a running container, through `runtime exec --detach` with a process.json. The
// process becomes our child (we are the subreaper) so its exit code is ours to return; without a tty it
// uses our stdio directly, with one its pty master comes over a console socket.
import fs from "node:fs";
import net from "node:net";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { HoistError } from "../errors.ts";
import { native } from "../native.ts";
import type { Engine } from "./engine.ts";
import { DEFAULT_PATH, hasEnv, mergeEnv } from "./env.ts";
import { findActive } from "./lifecycle.ts";
import { consoleSize, exitCodeOf, startExitCode, StartError, type AttachIo } from "./monitor.ts";
import { readLogError, spawnExec } from "./oci-runtime.ts";
import { ConsoleSocket, PtyRelay } from "./pty.ts";
import { resolveInRoot } from "./rootfs-path.ts";
import { processSpec } from "./spec.ts";
import { resolveUser } from "./user.ts";

export interface ExecOptions {
  cmd: string[];
  env?: string[];
  workdir?: string;
  user?: string;
  tty?: boolean;
  /** Keep stdin open (-i). */
  stdin?: boolean;
  detach?: boolean;
  privileged?: boolean;
  attach: AttachIo;
}

/** The runtime's own lookup of the command, done first so a missing one gets one clear error (the runtime
 * would print its own to the stderr the process shares). */
function checkCommand(rootfs: string, cmd: string, env: string[], cwd: string): void {
  const path = env.find((e) => e.startsWith("PATH="))?.slice(5) ?? DEFAULT_PATH;
  const isExec = (p: string): boolean => {
    try {
      const st = fs.statSync(resolveInRoot(rootfs, p));
      return st.isFile();
    } catch {
      return false;
    }
  };
  const fail = (why: string): never => {
    throw new StartError(
      `OCI runtime exec failed: exec failed: unable to start container process: exec: ${JSON.stringify(cmd)}: ${why}`,
      127,
    );
  };
  if (cmd.includes("/")) {
    const abs = cmd.startsWith("/") ? cmd : join(cwd, cmd);
    if (!fs.existsSync(resolveInRoot(rootfs, abs))) fail(`stat ${cmd}: no such file or directory`);
    return;
  }
  if (!path.split(":").some((dir) => dir !== "" && isExec(join(dir, cmd)))) fail("executable file not found in $PATH");
}

function waitExit(child: ReturnType<typeof spawnExec>): Promise<number> {
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code ?? 1));
    child.once("error", () => resolve(127));
  });
}

export async function execInContainer(engine: Engine, ref: string, o: ExecOptions): Promise<number> {
  const c = await findActive(engine, ref);
  if (c.State.Status === "paused")
    throw new HoistError("CONFLICT", `Container ${c.Id} is paused, unpause the container before exec`);
  if (c.State.Status !== "running") throw new HoistError("CONFLICT", `Container ${c.Id} is not running`);
  const driver = await engine.driver(c.Driver);
  const rootfs = driver.rootfs(c.Id);
  const user = resolveUser(rootfs, o.user ?? c.Config.User);
  let env = mergeEnv(c.Config.Env, o.env ?? []);
  if (!hasEnv(env, "PATH")) env.unshift(`PATH=${DEFAULT_PATH}`);
  env = mergeEnv(env, [`HOSTNAME=${c.Config.Hostname}`]);
  if (o.tty && !hasEnv(env, "TERM")) env.push("TERM=xterm");
  if (!hasEnv(env, "HOME")) env.push(`HOME=${user.home}`);
  checkCommand(rootfs, o.cmd[0] ?? "", env, o.workdir || c.Config.WorkingDir || "/");
  const proc = processSpec(c, {
    args: o.cmd,
    env,
    cwd: o.workdir || c.Config.WorkingDir || "/",
    user,
    terminal: o.tty ?? false,
    ...(o.privileged ? { privileged: true } : {}),
  });
  if (o.tty) proc.consoleSize = consoleSize(o.stdin ? o.attach : { ...(o.attach.size ? { size: o.attach.size } : {}) });
  const dir = engine.dir(c.Id);
  const tag = randomBytes(6).toString("hex");
  const processFile = join(dir, `exec-${tag}.json`);
  const pidFile = join(dir, `exec-${tag}.pid`);
  const log = join(dir, `exec-${tag}.log`);
  fs.writeFileSync(processFile, JSON.stringify(proc));
  native().setSubreaper();
  const console = o.tty ? new ConsoleSocket(c.Id.slice(0, 12)) : undefined;
  let stdinPipe: [number, number] | undefined;
  let input: net.Socket | undefined;
  try {
    // Output goes straight to our stdout/stderr; input is copied (our stdin may be a non-blocking pipe).
    stdinPipe = !o.detach && !o.tty && o.stdin ? native().pipe() : undefined;
    const stdio: ("ignore" | number)[] =
      o.detach || o.tty ? ["ignore", "ignore", "ignore"] : [stdinPipe?.[0] ?? "ignore", 1, 2];
    const rt = engine.runtime(c);
    const child = spawnExec(rt, {
      id: c.Id,
      processFile,
      pidFile,
      log,
      stdio,
      ...(console ? { consoleSocket: console.address } : {}),
    });
    if (stdinPipe) fs.closeSync(stdinPipe[0]);
    const code = await waitExit(child);
    if (code !== 0) {
      const msg = readLogError(log) || `${rt.name} exec: exit status ${code}`;
      throw new StartError(`OCI runtime exec failed: ${msg}`, startExitCode(msg));
    }
    const master = console ? await console.accept() : undefined;
    if (console && master === undefined) throw new HoistError("RUNTIME", "exec: the runtime sent no terminal");
    const pid = Number(fs.readFileSync(pidFile, "utf8").trim());
    if (o.detach) {
      if (master !== undefined) fs.closeSync(master);
      return 0;
    }
    const exited = native().waitpid(pid);
    if (stdinPipe && o.attach.stdin) {
      input = new net.Socket({ fd: stdinPipe[1], readable: false, writable: true });
      input.on("error", () => {});
      o.attach.stdin.pipe(input);
    }
    let relay: PtyRelay | undefined;
    if (master !== undefined) {
      const out = o.attach.stdout;
      const side = o.stdin
        ? o.attach
        : {
            ...(o.attach.size ? { size: o.attach.size } : {}),
            ...(o.attach.onResize ? { onResize: o.attach.onResize } : {}),
          };
      relay = new PtyRelay(master, side, (chunk) => void out.write(chunk));
      if (o.stdin) (o.attach.stdin as NodeJS.ReadStream | undefined)?.resume?.();
    }
    const status = await exited;
    if (input) o.attach.stdin?.unpipe(input);
    if (relay) {
      await Promise.race([relay.ended, new Promise((r) => setTimeout(r, 1000).unref())]);
      relay.close();
    }
    return exitCodeOf(status);
  } finally {
    if (input) input.destroy();
    else if (stdinPipe) fs.closeSync(stdinPipe[1]);
    console?.close();
    for (const f of [processFile, pidFile, log]) fs.rmSync(f, { force: true });
  }
}
