// Container records (containers.json beside state.json): which containers exist, their names, the image each
// uses, their docker-shaped Config/HostConfig and their State. Read without a lock (only ever replaced
// atomically); changed only under the store lock, so name checks and "image in use" checks see one truth.
import { readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { HoistError, NotFoundError, errnoCode } from "../errors.ts";
import type { Digest } from "../oci/index.ts";
import { writeFileAtomic } from "./atomic.ts";
import type { StorePaths } from "./paths.ts";
import type { StoreState } from "./state.ts";
import type { Store } from "./store.ts";

export type ContainerStatus = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";

export interface ContainerState {
  Status: ContainerStatus;
  /** The container's init process on the host (0 when not running). */
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  OOMKilled: boolean;
  /** A monitor (the foreground CLI or a detached monitor process) owns the container: it is starting or
   * running. Whether that monitor is alive is told by its lock (see runtime/busy-lock.ts), not by this flag. */
  Monitored?: boolean;
  /** pid of the monitor, for diagnostics. */
  MonitorPid?: number;
}

/** A mount as the container gets it (resolved from -v, --mount, --tmpfs and the image's VOLUMEs). */
export interface MountPoint {
  Type: "bind" | "volume" | "tmpfs";
  /** Host path (bind), volume name (volume), "" (tmpfs). */
  Source: string;
  Destination: string;
  ReadOnly: boolean;
  /** Bind propagation, e.g. "rprivate". */
  Propagation?: string;
  /** tmpfs options (size=…, mode=…), extra mount options. */
  Options?: string[];
  /** A volume made for this container alone (removed by `rm -v`). */
  Anonymous?: boolean;
  /** Don't copy the image's content into a new volume. */
  NoCopy?: boolean;
}

/** docker's Config (the create-time container configuration). */
export interface ContainerConfigRecord {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, object>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[];
  Cmd: string[] | null;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  OnBuild: string[] | null;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
}

export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** docker's HostConfig, the part hoist honours. */
export interface HostConfigRecord {
  Binds: string[] | null;
  NetworkMode: string;
  PortBindings: Record<string, PortBinding[]>;
  AutoRemove: boolean;
  CapAdd: string[] | null;
  CapDrop: string[] | null;
  Privileged: boolean;
  ReadonlyRootfs: boolean;
  Tmpfs?: Record<string, string>;
  Init?: boolean;
  Memory: number;
  NanoCpus: number;
  PidsLimit?: number;
  Runtime: string;
  /** --dns, --dns-search, --dns-option, --add-host (NAME:IP, IP may be host-gateway). */
  Dns?: string[];
  DnsSearch?: string[];
  DnsOptions?: string[];
  ExtraHosts?: string[] | null;
}

export interface ContainerRecord {
  Id: string;
  /** Without docker's leading slash. */
  Name: string;
  /** The image ID. */
  Image: Digest;
  Created: string;
  /** The process: entrypoint + cmd after docker's rules. */
  Path: string;
  Args: string[];
  Driver: "overlay" | "vfs";
  Config: ContainerConfigRecord;
  HostConfig: HostConfigRecord;
  /** --network-alias: the container's further names on its (user-defined) network. */
  NetworkAliases?: string[];
  Mounts: MountPoint[];
  State: ContainerState;
  RestartCount: number;
  /** A commit linked files of the container layer into an image layer: they must be copied (unshared)
   * before the container runs again. */
  SharesFiles?: boolean;
}

export interface ContainersState {
  version: 1;
  containers: Record<string, ContainerRecord>;
}

/** Where container data lives under the store root. */
export interface ContainerPaths {
  index: string;
  /** containers/<id>/: bundle config.json, hosts, hostname, resolv.conf, logs, locks. */
  containers: string;
  /** overlay/<id>/{diff,work,merged} and overlay/<id>-init/diff: the container layers (overlay driver). */
  overlay: string;
  /** vfs/<id>/rootfs and vfs/<id>-init/diff (vfs driver). */
  vfs: string;
  /** volumes/<name>/_data. */
  volumes: string;
  /** The OCI runtime's state directories (runc --root). */
  runtime: string;
}

export function containerPaths(paths: StorePaths): ContainerPaths {
  return {
    index: join(paths.root, "containers.json"),
    containers: join(paths.root, "containers"),
    overlay: join(paths.root, "overlay"),
    vfs: join(paths.root, "vfs"),
    volumes: join(paths.root, "volumes"),
    runtime: join(paths.root, "runtime"),
  };
}

export function emptyContainers(): ContainersState {
  return { version: 1, containers: {} };
}

export function readContainerIndex(path: string): ContainersState {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return emptyContainers();
    throw e;
  }
  try {
    const s = JSON.parse(text) as ContainersState;
    if (s.version !== 1 || typeof s.containers !== "object") throw new Error("unknown format");
    return s;
  } catch (e) {
    throw new HoistError("CORRUPT", `container index ${path} is unreadable: ${(e as Error).message}`);
  }
}

/** The container index of a store, read without the lock (call under it to see a stable value). */
export function readContainers(paths: StorePaths): ContainersState {
  return readContainerIndex(containerPaths(paths).index);
}

/** Image IDs that containers use, with the containers using each. */
export function imagesInUse(cs: ContainersState): Map<Digest, ContainerRecord[]> {
  const out = new Map<Digest, ContainerRecord[]>();
  for (const c of Object.values(cs.containers)) out.set(c.Image, [...(out.get(c.Image) ?? []), c]);
  return out;
}

const fullId = /^[a-f0-9]{64}$/;
const idPrefix = /^[a-f0-9]+$/;

/** docker's lookup order: full ID, exact name, unique ID prefix. */
export function findContainer(cs: ContainersState, ref: string): ContainerRecord | undefined {
  if (ref === "") return undefined;
  if (fullId.test(ref) && cs.containers[ref]) return cs.containers[ref];
  const name = ref.startsWith("/") ? ref.slice(1) : ref;
  const all = Object.values(cs.containers);
  const byName = all.find((c) => c.Name === name);
  if (byName) return byName;
  if (!idPrefix.test(ref)) return undefined;
  const matches = all.filter((c) => c.Id.startsWith(ref));
  if (matches.length > 1) throw new HoistError("NOT_FOUND", `Multiple IDs found with provided prefix: ${ref}`);
  return matches[0];
}

export function getContainer(cs: ContainersState, ref: string): ContainerRecord {
  const c = findContainer(cs, ref);
  if (!c) throw new NotFoundError("container", ref);
  return c;
}

/** Containers and their records over a Store: reads are lock-free, changes go through Store.update's lock. */
export class ContainerStore {
  readonly store: Store;
  readonly paths: ContainerPaths;
  private cached: ContainersState | undefined;

  constructor(store: Store) {
    this.store = store;
    this.paths = containerPaths(store.paths);
  }

  /** The current index (re-read on every call: monitors change it from other processes). */
  read(): ContainersState {
    this.cached = readContainerIndex(this.paths.index);
    return this.cached;
  }

  list(): ContainerRecord[] {
    return Object.values(this.read().containers);
  }

  get(ref: string): ContainerRecord {
    return getContainer(this.read(), ref);
  }

  /** Run `fn` on fresh copies of both indexes under the store lock and save what changed, atomically.
   * `durable: false` skips the fsyncs (the rename stays atomic): for state changes (running, exited) that a
   * power loss may lose without harm, since a container whose monitor is gone is found and finished anyway. */
  async update<T>(
    fn: (cs: ContainersState, images: StoreState) => T | Promise<T>,
    o: { durable?: boolean } = {},
  ): Promise<T> {
    return this.store.update(async (images) => {
      const cs = readContainerIndex(this.paths.index);
      const before = JSON.stringify(cs);
      const result = await fn(cs, images);
      const after = JSON.stringify(cs);
      if (after !== before) {
        if (o.durable === false) replaceFile(this.paths.index, after);
        else writeFileAtomic(this.paths.index, after);
      }
      this.cached = cs;
      return result;
    });
  }

  /** Change one container's state under the lock (not fsync'd, see update); `fn` gets undefined when the
   * container was removed meanwhile. */
  async change<T>(id: string, fn: (c: ContainerRecord | undefined, cs: ContainersState) => T): Promise<T> {
    return this.update((cs) => fn(cs.containers[id], cs), { durable: false });
  }

  containerDir(id: string): string {
    return join(this.paths.containers, id);
  }
}

/** Write a temp file and rename it over `path`: atomic, without fsync. */
function replaceFile(path: string, data: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  writeFileSync(tmp, data, { mode: 0o644 });
  renameSync(tmp, path);
}

/** Directory entries under the container folders that belong to no record (left by a crash between a rename
 * and the index write). Call under the store lock. */
export function orphanContainerDirs(cp: ContainerPaths, cs: ContainersState): string[] {
  const out: string[] = [];
  for (const dir of [cp.containers, cp.overlay, cp.vfs]) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      const id = n.endsWith("-init") ? n.slice(0, -5) : n;
      if (fullId.test(id) && !cs.containers[id]) out.push(join(dir, n));
    }
  }
  return out;
}
