// The monitor: runs one container from start to exit, like podman's conmon. The foreground CLI is the monitor
// of an attached container (no extra process); a detached container gets its own small monitor process
// (monitor-main.ts). The monitor holds the container's lock, becomes the subreaper of the container's init
// (`runtime run --detach` exits, the init is re-parented to us), holds its stdio (detached: served to `hoist
// attach` clients through an attach socket, attach-server.ts), writes its log, and records its exit code and
// time before cleaning up (runtime delete, unmount, network teardown, --rm).
import fs from "node:fs";
import net from "node:net";
import type { ChildProcess, StdioOptions } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { HoistError } from "../errors.ts";
import { native } from "../native.ts";
import type { ContainerRecord, MountPoint } from "../store/containers.ts";
import { unlock } from "./busy-lock.ts";
import type { Engine } from "./engine.ts";
import { DEFAULT_PATH, hasEnv } from "./env.ts";
import { LogWriter, logPath } from "./logs.ts";
import { networkDriver, type NetworkSetup } from "./network.ts";
import { freshLog, readLogError, runtimeDelete, runtimeStart, spawnRun, type OciRuntime } from "./oci-runtime.ts";
import { cleanupRun, finishContainer } from "./finish.ts";
import type * as PtyModuleNs from "./pty.ts";
import type { ConsoleSocket, PtyRelay, TerminalSide } from "./pty.ts";
import type { AttachServer } from "./attach-server.ts";

type PtyModule = typeof PtyModuleNs;
import { resolveInRoot } from "./rootfs-path.ts";
import { buildSpec, cgroupSupport, INIT_PATH, processSpec, userMount, type OciMount } from "./spec.ts";
import { findInitBinary } from "./create.ts";
import { trace } from "./trace.ts";
import { resolveUser } from "./user.ts";

/** A start that failed before the container's process ran: docker's exit codes 125, 126, 127. */
export class StartError extends HoistError {
  constructor(message: string, exitCode: number) {
    super("RUNTIME", message, { exitCode });
    this.name = "StartError";
  }
}

/** docker's mapping of a start failure to an exit code. */
export function startExitCode(message: string): number {
  const m = message.toLowerCase();
  if (m.includes("executable file not found") || m.includes("no such file or directory")) return 127;
  if (m.includes("permission denied") || m.includes("is a directory")) return 126;
  return 125;
}

/** The caller's side of an attached container: with a tty, `stdin` are keystrokes for its terminal (the caller
 * puts its own in raw mode); without one, `stdin` is copied into the container's stdin pipe. */
export interface AttachIo extends TerminalSide {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface MonitorOptions {
  attach?: AttachIo;
  /** The container's process is running (pid on the host). */
  onStarted?: (pid: number) => void;
}

/** The caller's terminal size, or the classic 80x24. */
export function consoleSize(side: TerminalSide | undefined): { height: number; width: number } {
  const s = side?.size?.();
  return { height: s?.rows || 24, width: s?.cols || 80 };
}

export function exitCodeOf(status: { code?: number; signal?: number }): number {
  return status.code ?? 128 + (status.signal ?? 0);
}

function waitChild(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    child.once("error", () => resolve(127));
  });
}

/** Volumes' data directories, made (and filled from the image, as docker does) on first use. */
async function prepareVolumes(engine: Engine, rootfs: string, mounts: MountPoint[]): Promise<void> {
  for (const m of mounts) {
    if (m.Type === "bind") {
      if (!fs.existsSync(m.Source)) fs.mkdirSync(m.Source, { recursive: true, mode: 0o755 });
      continue;
    }
    if (m.Type !== "volume") continue;
    const data = engine.volumeDir(m.Source);
    if (fs.existsSync(data)) continue;
    const staged = `${data}.${process.pid}.tmp`;
    fs.rmSync(staged, { recursive: true, force: true });
    fs.mkdirSync(staged, { recursive: true, mode: 0o755 });
    const src = resolveInRoot(rootfs, m.Destination);
    if (!m.NoCopy && fs.existsSync(src) && fs.statSync(src).isDirectory()) {
      (await import("../store/driver-vfs.ts")).applyLayerDir(src, staged);
      const st = fs.statSync(src);
      fs.chownSync(staged, st.uid, st.gid);
      fs.chmodSync(staged, st.mode & 0o7777);
    }
    fs.renameSync(staged, data);
  }
}

/** Mount the root filesystem, write /etc files and the bundle's config.json. */
async function prepare(
  engine: Engine,
  c: ContainerRecord,
  dir: string,
  attach: AttachIo | undefined,
): Promise<{ netns: boolean; ready?: Promise<void> }> {
  const driver = await engine.driver(c.Driver);
  if (c.SharesFiles) {
    driver.unshare?.(c.Id);
    await engine.containers.change(c.Id, (r) => {
      if (r) delete r.SharesFiles;
    });
  }
  const rootfs = driver.mount(c.Id, engine.lowers(c));
  const setup = await networkDriver(c.HostConfig.NetworkMode).prepare(c, dir);
  const files = { hosts: join(dir, "hosts"), hostname: join(dir, "hostname"), resolvConf: join(dir, "resolv.conf") };
  // The final /etc/hosts once the network is up, written in place: the runtime bind-mounts this very file.
  const ready = setup.ready?.then((hosts) => fs.writeFileSync(files.hosts, hosts));
  ready?.catch(() => {}); // awaited by the caller; a failure before that must not be an unhandled rejection
  try {
    await writeBundle(engine, c, dir, attach, rootfs, setup, files);
  } catch (e) {
    await ready?.catch(() => {}); // the caller tears the network down: never while it is being set up
    throw e;
  }
  return { netns: setup.namespace !== undefined, ...(ready ? { ready } : {}) };
}

/** The /etc files, volumes and config.json of a mounted container. */
async function writeBundle(
  engine: Engine,
  c: ContainerRecord,
  dir: string,
  attach: AttachIo | undefined,
  rootfs: string,
  setup: NetworkSetup,
  files: { hosts: string; hostname: string; resolvConf: string },
): Promise<void> {
  fs.writeFileSync(files.hosts, setup.hosts);
  fs.writeFileSync(files.hostname, `${setup.hostname}\n`);
  fs.writeFileSync(files.resolvConf, setup.resolvConf);
  const user = resolveUser(rootfs, c.Config.User);
  let env = [...c.Config.Env];
  if (!hasEnv(env, "PATH")) env.unshift(`PATH=${DEFAULT_PATH}`);
  env = [...env.filter((e) => !e.startsWith("HOSTNAME=")), `HOSTNAME=${setup.hostname}`];
  if (c.Config.Tty && !hasEnv(env, "TERM")) env.push("TERM=xterm");
  if (!hasEnv(env, "HOME")) env.push(`HOME=${user.home}`);
  const argv = [c.Path, ...c.Args];
  const mounts: OciMount[] = c.Mounts.map((m) => userMount(m, (n) => engine.volumeDir(n)));
  if (c.HostConfig.Init) {
    const init = findInitBinary();
    if (!init) throw new StartError("--init: no init binary found (install catatonit or tini)", 125);
    mounts.push({ destination: INIT_PATH, type: "bind", source: init, options: ["rbind", "ro", "rprivate"] });
  }
  await prepareVolumes(engine, rootfs, c.Mounts);
  const proc = processSpec(c, {
    args: c.HostConfig.Init ? [INIT_PATH, "--", ...argv] : argv,
    env,
    cwd: c.Config.WorkingDir || "/",
    user,
    terminal: c.Config.Tty,
  });
  // The process may start before the pty master reaches us: its first window size comes from the spec.
  if (c.Config.Tty) proc.consoleSize = consoleSize(attach);
  const spec = buildSpec({
    record: c,
    rootfs,
    process: proc,
    hostname: setup.hostname,
    netns: setup.namespace,
    hooks: setup.hooks,
    files,
    mounts,
    cgroups: cgroupSupport(),
  });
  fs.writeFileSync(join(dir, "config.json"), JSON.stringify(spec));
}

/** Run the container until it exits. Returns its exit code; throws StartError when it could not start.
 * `lockFd` is the container's lock, already held; it is released when this returns. */
export async function runContainer(
  engine: Engine,
  c0: ContainerRecord,
  lockFd: number,
  o: MonitorOptions = {},
): Promise<number> {
  const id = c0.Id;
  const dir = engine.dir(id);
  let c = c0;
  let rt: OciRuntime | undefined;
  let started = false;
  let networkReady: Promise<void> | undefined;
  let attachServer: AttachServer | undefined;
  try {
    native().setSubreaper();
    rt = engine.runtime(c);
    if (!(c.State.Monitored && c.State.MonitorPid === process.pid))
      c = await engine.containers.change(id, (r) => {
        if (!r) throw new HoistError("NOT_FOUND", `No such container: ${id}`);
        r.State.Monitored = true;
        r.State.MonitorPid = process.pid;
        r.State.Error = "";
        return structuredClone(r);
      });
    if (fs.existsSync(join(rt.root, id))) await runtimeDelete(rt, id);
    trace("monitor: begin");
    const prepared = await prepare(engine, c, dir, o.attach);
    networkReady = prepared.ready;
    trace("prepared (mounted, config.json)");
    const log = freshLog(dir);
    const io = new ContainerIo(
      c,
      new LogWriter(logPath(dir, id)),
      o.attach,
      c.Config.Tty ? await import("./pty.ts") : undefined,
    );
    // While the network is still being configured, `runtime create` builds the container in its namespace
    // meanwhile; `runtime start` follows once both are done. Otherwise `runtime run --detach` does both.
    const child = spawnRun(rt, {
      id,
      bundle: dir,
      pidFile: join(dir, "pidfile"),
      log,
      ...(io.console ? { consoleSocket: io.console.address } : {}),
      stdio: io.createStdio(),
      createOnly: networkReady !== undefined,
    });
    io.attachCreate(child);
    let createCode = await waitChild(child);
    trace(networkReady ? "runtime create done" : "runtime run done");
    if (createCode === 0 && !(await io.acceptConsole())) createCode = 1;
    const networkError = await networkReady?.then(
      () => undefined,
      (e: Error) => e,
    );
    networkReady = undefined;
    if (createCode !== 0 || networkError) {
      const msg = readLogError(log) || `${rt.name} run: exit status ${createCode}`;
      io.discard();
      await runtimeDelete(rt, id).catch(() => {});
      if (networkError) throw networkError;
      throw new StartError(`OCI runtime create failed: ${msg}`, startExitCode(msg));
    }
    if (prepared.ready) {
      trace("network ready");
      try {
        await runtimeStart(rt, id, log);
      } catch (e) {
        io.discard();
        await runtimeDelete(rt, id).catch(() => {});
        const msg = readLogError(log) || (e as Error).message;
        throw new StartError(`OCI runtime start failed: ${msg}`, startExitCode(msg));
      }
      trace("runtime start done");
    }
    const pid = Number(fs.readFileSync(join(dir, "pidfile"), "utf8").trim());
    const exited = native().waitpid(pid);
    started = true;
    await engine.containers.change(id, (r) => {
      if (!r) return;
      r.State = {
        ...r.State,
        Status: "running",
        Pid: pid,
        ExitCode: 0,
        Error: "",
        StartedAt: new Date().toISOString(),
        FinishedAt: "0001-01-01T00:00:00Z",
        OOMKilled: false,
      };
    });
    trace("recorded running");
    // A detached container: `hoist attach` clients connect to its monitor.
    if (!o.attach) attachServer = await io.openAttach(dir).catch(() => undefined);
    io.flush();
    o.onStarted?.(pid);
    const code = exitCodeOf(await exited);
    trace("process exited");
    await io.drain();
    trace("output drained");
    await finishContainer(engine, c, rt, { exitCode: code });
    trace("finished");
    await attachServer?.finish(code);
    return code;
  } catch (e) {
    if (!started) {
      await networkReady?.catch(() => {}); // never tear the network down while it is still being set up
      if (rt) await cleanupRun(engine, c, rt).catch(() => {});
      const code = e instanceof HoistError ? e.exitCode : 125;
      await engine.containers
        .change(id, (r) => {
          if (!r) return;
          r.State.Monitored = false;
          delete r.State.MonitorPid;
          r.State.Error = (e as Error).message;
          r.State.ExitCode = code;
          if (r.State.Status !== "created") r.State.Status = "exited";
          r.State.FinishedAt = new Date().toISOString();
        })
        .catch(() => {});
      if (c.HostConfig.AutoRemove && rt)
        await finishContainer(engine, c, rt, { exitCode: code, failed: true }).catch(() => {});
    }
    throw e;
  } finally {
    attachServer?.close();
    unlock(lockFd);
  }
}

/** The container's stdio: pipes without a tty, a pty master with one. */
class ContainerIo {
  private readonly c: ContainerRecord;
  private readonly log: LogWriter;
  private readonly attach: AttachIo | undefined;
  readonly console: ConsoleSocket | undefined;
  private relay: PtyRelay | undefined;
  private held: ["stdout" | "stderr", Buffer][] | undefined = [];
  private readonly ends: Promise<void>[] = [];
  private child: ChildProcess | undefined;
  private dropped = false;
  private readonly pty: PtyModule | undefined;
  /** The container's stdin: [its end, ours] (our own pipe: Node closes a child's 'pipe' stdin when the runtime
   * process exits, long before the container is done with it). */
  private stdinPipe: [number, number] | undefined;
  private input: net.Socket | undefined;
  private server: AttachServer | undefined;

  /** `pty` (the terminal module, loaded only for -t). */
  constructor(c: ContainerRecord, log: LogWriter, attach: AttachIo | undefined, pty: PtyModule | undefined) {
    this.c = c;
    this.log = log;
    this.attach = attach;
    this.pty = pty;
    if (c.Config.Tty && pty) this.console = new pty.ConsoleSocket(c.Id.slice(0, 12));
  }

  createStdio(): StdioOptions {
    if (this.c.Config.Tty) return ["ignore", "ignore", "ignore"];
    if (this.attach?.stdin || this.c.Config.OpenStdin) this.stdinPipe = native().pipe();
    return [this.stdinPipe?.[0] ?? "ignore", "pipe", "pipe"];
  }

  attachCreate(child: ChildProcess): void {
    this.child = child;
    if (this.stdinPipe) fs.closeSync(this.stdinPipe[0]); // the container has it now
    if (this.c.Config.Tty) return;
    for (const [stream, name] of [
      [child.stdout, "stdout"],
      [child.stderr, "stderr"],
    ] as const) {
      if (!stream) continue;
      const target = name === "stdout" ? this.attach?.stdout : this.attach?.stderr;
      stream.on("data", (chunk: Buffer) => this.emit(name, chunk, target, stream));
      this.ends.push(new Promise((resolve) => stream.once("close", () => resolve())));
    }
  }

  /** The attach socket of a detached container: clients get its output, and send its stdin (-i) and window
   * sizes (-t). */
  async openAttach(dir: string): Promise<AttachServer> {
    const { AttachServer } = await import("./attach-server.ts");
    const stdin = this.c.Config.OpenStdin
      ? (data: Buffer): void => {
          if (this.relay) this.relay.write(data);
          else this.input?.write(data);
        }
      : undefined;
    const resize = this.c.Config.Tty ? (rows: number, cols: number): void => this.relay?.resize(rows, cols) : undefined;
    this.server = await AttachServer.open(dir, this.c.Id, {
      ...(stdin ? { stdin } : {}),
      ...(resize ? { resize } : {}),
    });
    return this.server;
  }

  /** After a successful `runtime run --detach`: take the pty master it sent. */
  async acceptConsole(): Promise<boolean> {
    if (!this.console) return true;
    const master = await this.console.accept();
    if (master === undefined) return false;
    if (!this.pty) return false;
    this.relay = new this.pty.PtyRelay(master, this.attach ?? {}, (chunk, source) =>
      this.emit("stdout", chunk, this.attach?.stdout, source),
    );
    this.ends.push(this.relay.ended);
    return true;
  }

  private emit(
    name: "stdout" | "stderr",
    chunk: Buffer,
    target: NodeJS.WritableStream | undefined,
    source?: NodeJS.ReadableStream,
  ): void {
    if (this.held) {
      this.held.push([name, chunk]);
      return;
    }
    this.log.write(name, chunk);
    this.server?.output(name, chunk);
    if (!target || this.dropped) return;
    if (!target.write(chunk) && source) {
      source.pause();
      target.once("drain", () => source.resume());
    }
  }

  /** The process runs: pass on what arrived while starting. */
  flush(): void {
    if (this.stdinPipe && (this.attach?.stdin || this.server)) {
      this.input = new net.Socket({ fd: this.stdinPipe[1], readable: false, writable: true });
      this.input.on("error", () => {}); // the container closed its stdin
      this.attach?.stdin?.pipe(this.input);
    }
    const held = this.held ?? [];
    this.held = undefined;
    for (const [name, chunk] of held)
      this.emit(name, chunk, name === "stdout" ? this.attach?.stdout : this.attach?.stderr);
    for (const t of [this.attach?.stdout, this.attach?.stderr])
      t?.on("error", () => {
        // The reader went away (EPIPE): stop copying, and let the container see a closed pipe.
        this.dropped = true;
        this.child?.stdout?.destroy();
        this.child?.stderr?.destroy();
      });
  }

  /** Start failed: what the runtime printed is not the container's output. */
  discard(): void {
    this.held = [];
    this.close();
  }

  /** The container exited: wait (briefly) for its output to end, then close everything. */
  async drain(): Promise<void> {
    await Promise.race([Promise.all(this.ends), sleep(2000, undefined, { ref: false })]);
    this.close();
  }

  private close(): void {
    this.console?.close();
    this.relay?.close();
    if (this.input) {
      this.attach?.stdin?.unpipe(this.input);
      this.input.destroy();
    } else if (this.stdinPipe) fs.closeSync(this.stdinPipe[1]);
    this.stdinPipe = undefined;
    (this.attach?.stdin as NodeJS.ReadStream | undefined)?.pause?.();
    this.log.close();
  }
}
