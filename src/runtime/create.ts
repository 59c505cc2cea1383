// `create`: a container record plus its layers (init layer and empty container layer), made in a staging
// area and published under the store lock together with the record, so a crash leaves nothing half-made.
import fs from "node:fs";
import { randomHex } from "../random.ts";
import { join } from "node:path";
import { HoistError } from "../errors.ts";
import { native } from "../native.ts";
import { parseImageConfig, type ContainerConfig } from "../oci/index.ts";
import { writeFileAtomic } from "../store/atomic.ts";
import {
  orphanContainerDirs,
  type ContainerConfigRecord,
  type ContainerRecord,
  type HostConfigRecord,
  type MountPoint,
  type PortBinding,
} from "../store/containers.ts";
import type { DriverName } from "../store/driver.ts";
import type { ImageRecord } from "../store/state.ts";
import { tryLock, unlock } from "./busy-lock.ts";
import type { Engine } from "./engine.ts";
import { DEFAULT_PATH, hasEnv, mergeEnv } from "./env.ts";
import { checkDuplicateMounts } from "./mount-specs.ts";
import { randomName, validateName } from "./names.ts";
import { checkAliases } from "../network/index.ts";
import { defaultHostname, validateNetworkMode } from "./network.ts";
import { chooseRuntime } from "./runtimes.ts";
import { prepareVolumeRecords } from "./volumes.ts";
import { cgroupSupport, INIT_PATH } from "./spec.ts";

export interface CreateOptions {
  /** The image, found already (the CLI pulls when it must). */
  image: ImageRecord;
  /** The image as the user named it (Config.Image). */
  imageName: string;
  name?: string;
  /** Arguments after the image; undefined or [] keeps the image's CMD. */
  cmd?: string[];
  /** --entrypoint: undefined keeps the image's; [] clears it (--entrypoint ""). */
  entrypoint?: string[];
  /** -e and --env-file entries, KEY=VALUE, in order. */
  env?: string[];
  workingDir?: string;
  user?: string;
  hostname?: string;
  labels?: Record<string, string>;
  tty?: boolean;
  openStdin?: boolean;
  attachStdin?: boolean;
  attachStdout?: boolean;
  mounts?: MountPoint[];
  binds?: string[];
  tmpfs?: Record<string, string>;
  networkMode?: string;
  /** --network-alias (user-defined networks only). */
  aliases?: string[];
  /** --dns, --dns-search, --dns-option, --add-host: checked already (src/network/options.ts). */
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  extraHosts?: string[];
  portBindings?: Record<string, PortBinding[]>;
  /** -P: every exposed port without a binding gets one on a free host port. */
  publishAll?: boolean;
  exposedPorts?: string[];
  autoRemove?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  readOnly?: boolean;
  init?: boolean;
  stopSignal?: string;
  stopTimeout?: number;
  memory?: number;
  nanoCpus?: number;
  pidsLimit?: number;
  runtime?: string;
  /** Keep the container's lock when returning (run: the caller starts it next, with nobody in between). */
  holdLock?: boolean;
}

export interface CreateResult {
  record: ContainerRecord;
  warnings: string[];
  lockFd?: number;
}

function bad(message: string): HoistError {
  return new HoistError("INVALID_ARGUMENT", message, { exitCode: 125 });
}

/** The init binary --init mounts at /sbin/docker-init: docker-init, tini or catatonit from the host. */
export function findInitBinary(): string | undefined {
  for (const p of [
    "/usr/bin/docker-init",
    "/usr/libexec/docker/docker-init",
    "/usr/bin/tini-static",
    "/usr/bin/catatonit",
    "/usr/libexec/podman/catatonit",
  ]) {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** overlay where it mounts on the store's filesystem, else vfs; $HOIST_STORAGE_DRIVER overrides. */
export async function chooseDriver(engine: Engine): Promise<DriverName> {
  const env = process.env.HOIST_STORAGE_DRIVER;
  if (env === "overlay" || env === "vfs") return env;
  if (env) throw bad(`unknown storage driver ${JSON.stringify(env)} (overlay or vfs)`);
  const cache = join(engine.containers.paths.runtime, "driver");
  try {
    const v = fs.readFileSync(cache, "utf8").trim();
    if (v === "overlay" || v === "vfs") return v;
  } catch {
    /* probe */
  }
  const staging = await engine.store.stage();
  let result: DriverName = "vfs";
  try {
    const d = staging.dir;
    for (const s of ["l", "u", "w", "m"]) fs.mkdirSync(join(d, s));
    fs.writeFileSync(join(d, "l", "f"), "x");
    native().mount(
      "overlay",
      join(d, "m"),
      "overlay",
      0,
      `lowerdir=${join(d, "l")},upperdir=${join(d, "u")},workdir=${join(d, "w")}`,
    );
    native().umount(join(d, "m"), false);
    result = "overlay";
  } catch {
    result = "vfs";
  } finally {
    staging.dispose();
  }
  fs.mkdirSync(engine.containers.paths.runtime, { recursive: true, mode: 0o700 });
  await engine.store.update(() => writeFileAtomic(cache, result));
  return result;
}

function resourceWarnings(o: CreateOptions): string[] {
  const cg = cgroupSupport();
  const w: string[] = [];
  if (o.memory && !cg.memory)
    w.push(
      "Your kernel does not support memory limit capabilities or the cgroup is not mounted. Limitation discarded.",
    );
  else if (o.memory && !cg.swap)
    w.push(
      "Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.",
    );
  if (o.nanoCpus && !cg.cpu) w.push("Your kernel does not support CPU CFS scheduler. CPU limit discarded.");
  if (o.pidsLimit && !cg.pids)
    w.push("Your kernel does not support PIDs limit capabilities or the cgroup is not mounted. PIDs limit discarded.");
  if (o.portBindings && Object.keys(o.portBindings).length && o.networkMode === "host")
    w.push("Published ports are discarded when using host network mode");
  return w;
}

function buildConfig(o: CreateOptions, image: ContainerConfig, id: string, networkMode: string): ContainerConfigRecord {
  const env = mergeEnv(image.Env ?? [], o.env ?? []);
  const exposed: Record<string, object> = { ...(image.ExposedPorts ?? {}) };
  for (const p of [...(o.exposedPorts ?? []), ...Object.keys(o.portBindings ?? {})]) exposed[p] = {};
  const entrypoint = o.entrypoint !== undefined ? o.entrypoint : (image.Entrypoint ?? []);
  const cmd = o.cmd && o.cmd.length > 0 ? o.cmd : o.entrypoint !== undefined ? [] : (image.Cmd ?? []);
  return {
    Hostname: defaultHostname(networkMode, id, o.hostname),
    Domainname: "",
    User: o.user ?? image.User ?? "",
    AttachStdin: o.attachStdin ?? false,
    AttachStdout: o.attachStdout ?? false,
    AttachStderr: o.attachStdout ?? false,
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    Tty: o.tty ?? false,
    OpenStdin: o.openStdin ?? false,
    StdinOnce: (o.openStdin ?? false) && (o.attachStdin ?? false),
    Env: hasEnv(env, "PATH") ? env : [`PATH=${DEFAULT_PATH}`, ...env],
    Cmd: cmd.length ? cmd : null,
    Image: o.imageName,
    Volumes: image.Volumes ?? null,
    WorkingDir: o.workingDir ?? image.WorkingDir ?? "",
    Entrypoint: entrypoint.length ? entrypoint : null,
    OnBuild: null,
    Labels: { ...(image.Labels ?? {}), ...(o.labels ?? {}) },
    ...(o.stopSignal || image.StopSignal ? { StopSignal: o.stopSignal ?? image.StopSignal } : {}),
    ...(o.stopTimeout !== undefined ? { StopTimeout: o.stopTimeout } : {}),
  };
}

/** -v/--mount/--tmpfs plus an anonymous volume for each image VOLUME nothing else covers. */
function allMounts(o: CreateOptions, image: ContainerConfig): MountPoint[] {
  const mounts = [...(o.mounts ?? [])];
  checkDuplicateMounts(mounts);
  for (const v of Object.keys(image.Volumes ?? {})) {
    const dest = v.replace(/(.)\/+$/, "$1");
    if (!mounts.some((m) => m.Destination === dest))
      mounts.push({ Type: "volume", Source: "", Destination: dest, ReadOnly: false, Anonymous: true });
  }
  for (const m of mounts) if (m.Type === "volume" && m.Anonymous && m.Source === "") m.Source = randomHex(32);
  return mounts;
}

function publishAll(o: CreateOptions, config: ContainerConfigRecord): Record<string, PortBinding[]> {
  const out = { ...(o.portBindings ?? {}) };
  if (o.publishAll) for (const p of Object.keys(config.ExposedPorts ?? {})) out[p] ??= [{ HostIp: "", HostPort: "" }];
  return out;
}

export async function createContainer(engine: Engine, o: CreateOptions): Promise<CreateResult> {
  const networkMode = validateNetworkMode(o.networkMode);
  const aliasError = checkAliases(o.aliases ?? [], networkMode);
  if (aliasError)
    throw Object.assign(
      new HoistError("INVALID_ARGUMENT", `Error response from daemon: ${aliasError}`, { exitCode: 125 }),
      { plain: true },
    );
  if (o.memory !== undefined && o.memory > 0 && o.memory < 6 * 1024 * 1024)
    throw bad("Minimum memory limit allowed is 6MB");
  const imageConfig = parseImageConfig(engine.store.readBlob(o.image.id));
  const id = randomHex(32);
  const config = buildConfig(o, imageConfig.config ?? {}, id, networkMode);
  const argv = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (argv.length === 0) throw bad("No command specified");
  if (o.init && !findInitBinary()) throw bad("--init: no init binary found (install catatonit or tini)");
  const mounts = allMounts(o, imageConfig.config ?? {});
  const name = o.name !== undefined && o.name !== "" ? validateName(o.name) : undefined;
  if (name) checkName(engine.containers.read().containers, name);
  const { runtime } = await chooseRuntime(engine.root, o.runtime);
  const driverName = await chooseDriver(engine);
  const driver = await engine.driver(driverName);
  const hostConfig: HostConfigRecord = {
    Binds: o.binds?.length ? o.binds : null,
    NetworkMode: networkMode,
    PortBindings: publishAll(o, config),
    AutoRemove: o.autoRemove ?? false,
    CapAdd: o.capAdd?.length ? o.capAdd : null,
    CapDrop: o.capDrop?.length ? o.capDrop : null,
    Privileged: o.privileged ?? false,
    ReadonlyRootfs: o.readOnly ?? false,
    ...(o.tmpfs && Object.keys(o.tmpfs).length ? { Tmpfs: o.tmpfs } : {}),
    ...(o.init ? { Init: true } : {}),
    Memory: o.memory ?? 0,
    NanoCpus: o.nanoCpus ?? 0,
    ...(o.pidsLimit !== undefined ? { PidsLimit: o.pidsLimit } : {}),
    Runtime: runtime.name,
    Dns: o.dns ?? [],
    DnsSearch: o.dnsSearch ?? [],
    DnsOptions: o.dnsOptions ?? [],
    ExtraHosts: o.extraHosts?.length ? o.extraHosts : null,
  };
  const record: ContainerRecord = {
    Id: id,
    Name: name ?? "",
    Image: o.image.id,
    Created: new Date().toISOString(),
    Path: argv[0] as string,
    Args: argv.slice(1),
    Driver: driverName,
    Config: config,
    HostConfig: hostConfig,
    ...(o.aliases?.length ? { NetworkAliases: [...new Set(o.aliases)] } : {}),
    Mounts: mounts,
    State: {
      Status: "created",
      Pid: 0,
      ExitCode: 0,
      Error: "",
      StartedAt: "0001-01-01T00:00:00Z",
      FinishedAt: "0001-01-01T00:00:00Z",
      OOMKilled: false,
    },
    RestartCount: 0,
  };
  // run: the caller keeps the lock and starts the container next, as its monitor (saves a record write).
  if (o.holdLock) Object.assign(record.State, { Monitored: true, MonitorPid: process.pid });
  const lowers = o.image.layers.map((d) => engine.store.layerDiffDir(d));
  const staging = await engine.store.stage();
  let lockFd: number | undefined;
  try {
    driver.prepare(staging.dir, id, lowers, o.init ? [INIT_PATH.slice(1)] : []);
    const cdir = join(staging.dir, "container");
    fs.mkdirSync(cdir, { mode: 0o700 });
    if (o.holdLock) lockFd = tryLock(cdir);
    await engine.containers.update((cs, images) => {
      if (!images.images[o.image.id.slice(7)])
        throw new HoistError("NOT_FOUND", `No such image: ${o.imageName}`, { exitCode: 125 });
      if (name) checkName(cs.containers, name);
      record.Name = name ?? uniqueRandomName(cs.containers);
      const trash = join(staging.dir, "orphans");
      for (const orphan of orphanContainerDirs(engine.containers.paths, cs)) {
        fs.mkdirSync(trash, { recursive: true });
        try {
          native().umount(join(orphan, "merged"), true);
        } catch {
          /* not mounted */
        }
        fs.renameSync(orphan, join(trash, `${orphan.split("/").at(-2)}-${orphan.split("/").at(-1)}`));
      }
      fs.mkdirSync(engine.containers.paths.containers, { recursive: true, mode: 0o700 });
      driver.publish(staging.dir, id);
      fs.renameSync(cdir, engine.dir(id));
      if (mounts.some((m) => m.Type === "volume")) prepareVolumeRecords(engine.containers.paths.volumes, mounts, cs);
      cs.containers[id] = record;
    });
  } catch (e) {
    unlock(lockFd);
    throw e;
  } finally {
    staging.dispose();
  }
  return { record, warnings: resourceWarnings({ ...o, networkMode }), ...(lockFd !== undefined ? { lockFd } : {}) };
}

function checkName(containers: Record<string, ContainerRecord>, name: string): void {
  const other = Object.values(containers).find((c) => c.Name === name);
  if (other)
    throw new HoistError(
      "CONFLICT",
      `Conflict. The container name "/${name}" is already in use by container "${other.Id}". You have to remove (or rename) that container to be able to reuse that name.`,
      { exitCode: 125 },
    );
}

function uniqueRandomName(containers: Record<string, ContainerRecord>): string {
  const used = new Set(Object.values(containers).map((c) => c.Name));
  for (let i = 0; ; i++) {
    const n = i < 10 ? randomName() : `${randomName()}${i}`;
    if (!used.has(n)) return n;
  }
}
