// Named and anonymous volumes: `<root>/volumes/<name>/_data` plus a small record (`volume.json`: created time,
// labels, options) beside it, written under the store lock. A volume directory without a record (made before
// records existed) is described lazily: its directory's mtime as CreatedAt, and anonymous when a container
// record says so. Anonymous volumes carry docker's `com.docker.volume.anonymous` label, as docker ≥ 23 does.
import fs from "node:fs";
import { join } from "node:path";
import { HoistError } from "../errors.ts";
import { randomHex } from "../random.ts";
import { writeFileAtomic } from "../store/atomic.ts";
import { treeSize } from "../store/index.ts";
import type { ContainersState, MountPoint } from "../store/containers.ts";
import type { Engine } from "./engine.ts";
import { volumeName } from "./mount-specs.ts";

export const ANONYMOUS_LABEL = "com.docker.volume.anonymous";

/** What volume.json holds. */
export interface VolumeRecord {
  CreatedAt: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
}

/** docker's volume inspect shape, plus who uses it. */
export interface Volume extends VolumeRecord {
  Name: string;
  Driver: "local";
  Mountpoint: string;
  Scope: "local";
  /** IDs of the containers whose records mount it. */
  users: string[];
  anonymous: boolean;
}

const RECORD = "volume.json";

/** RFC 3339 in UTC without fractions, as docker prints CreatedAt. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}

function volumesDir(engine: Engine): string {
  return engine.containers.paths.volumes;
}

/** Container IDs whose records mount volume `name`. */
export function volumeUsers(cs: ContainersState, name: string): string[] {
  return Object.values(cs.containers)
    .filter((c) => c.Mounts.some((m) => m.Type === "volume" && m.Source === name))
    .map((c) => c.Id);
}

function readRecord(dir: string): VolumeRecord | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(join(dir, RECORD), "utf8")) as VolumeRecord;
    return typeof r.CreatedAt === "string" ? r : undefined;
  } catch {
    return undefined;
  }
}

/** One volume, or undefined when there is none by that name. */
export function getVolume(engine: Engine, cs: ContainersState, name: string): Volume | undefined {
  if (!volumeName.test(name)) return undefined;
  const dir = join(volumesDir(engine), name);
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    return undefined;
  }
  if (!st.isDirectory()) return undefined;
  const users = volumeUsers(cs, name);
  const record = readRecord(dir) ?? {
    CreatedAt: rfc3339(st.mtimeMs),
    Labels: Object.values(cs.containers).some((c) =>
      c.Mounts.some((m) => m.Type === "volume" && m.Source === name && m.Anonymous),
    )
      ? { [ANONYMOUS_LABEL]: "" }
      : null,
    Options: null,
  };
  return {
    Name: name,
    Driver: "local",
    Mountpoint: engine.volumeDir(name),
    Scope: "local",
    ...record,
    users,
    anonymous: record.Labels !== null && ANONYMOUS_LABEL in record.Labels,
  };
}

/** Every volume, sorted by name. */
export function listVolumes(engine: Engine, cs: ContainersState): Volume[] {
  let names: string[];
  try {
    names = fs.readdirSync(volumesDir(engine));
  } catch {
    return [];
  }
  return names
    .sort()
    .map((n) => getVolume(engine, cs, n))
    .filter((v): v is Volume => v !== undefined);
}

/** docker's inspect JSON (field order as docker's). */
export function inspectVolume(v: Volume): object {
  return {
    CreatedAt: v.CreatedAt,
    Driver: v.Driver,
    Labels: v.Labels && sortedKeys(v.Labels),
    Mountpoint: v.Mountpoint,
    Name: v.Name,
    Options: v.Options && sortedKeys(v.Options),
    Scope: v.Scope,
  };
}

/** Go's JSON writes a map's keys sorted. */
export function sortedKeys(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function daemonError(message: string): HoistError {
  return Object.assign(new HoistError("INVALID_ARGUMENT", `Error response from daemon: ${message}`), { plain: true });
}

export interface CreateVolumeOptions {
  name?: string;
  driver?: string;
  labels?: Record<string, string>;
  options?: Record<string, string>;
}

/** `volume create`: a new volume with an empty `_data`, or the existing one of that name (as docker). */
export async function createVolume(engine: Engine, o: CreateVolumeOptions): Promise<string> {
  const name = o.name || randomHex(32);
  if (!volumeName.test(name))
    throw daemonError(
      `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  const driver = o.driver ?? "local";
  if (driver !== "local")
    throw daemonError(`create ${name}: error looking up volume plugin ${driver}: plugin "${driver}" not found`);
  for (const key of Object.keys(o.options ?? {})) {
    if (!["type", "device", "o", "size"].includes(key)) throw daemonError(`create ${name}: invalid option: "${key}"`);
    throw daemonError(`create ${name}: option "${key}" is not supported: hoist's local volumes are plain directories`);
  }
  await engine.containers.update(() => {
    const dir = join(volumesDir(engine), name);
    if (fs.existsSync(dir)) return;
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    fs.mkdirSync(join(dir, "_data"), { mode: 0o755 });
    writeRecord(dir, { CreatedAt: rfc3339(Date.now()), Labels: o.labels ?? {}, Options: o.options ?? {} });
  });
  return name;
}

function writeRecord(dir: string, r: VolumeRecord): void {
  writeFileAtomic(join(dir, RECORD), `${JSON.stringify(r)}\n`);
}

/** Under the store lock, as a container is created: records for the volumes it brings (named ones used for the
 * first time, anonymous ones), whose data directory is left to the first start, which fills it from the image.
 * An existing volume that is still empty and unused (`volume create`) gets the same: docker copies the image's
 * content into an empty volume, so its empty `_data` goes and the first start fills it. */
export function prepareVolumeRecords(volumesRoot: string, mounts: readonly MountPoint[], cs: ContainersState): void {
  for (const m of mounts) {
    if (m.Type !== "volume") continue;
    const dir = join(volumesRoot, m.Source);
    if (fs.existsSync(dir)) {
      if (!m.NoCopy && volumeUsers(cs, m.Source).length === 0) {
        try {
          fs.rmdirSync(join(dir, "_data")); // only when empty (ENOTEMPTY otherwise)
        } catch {
          /* has content, or not made yet */
        }
      }
      continue;
    }
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeRecord(dir, {
      CreatedAt: rfc3339(Date.now()),
      Labels: m.Anonymous ? { [ANONYMOUS_LABEL]: "" } : null,
      Options: null,
    });
  }
}

export interface RemoveResult {
  removed: string[];
  errors: string[];
}

/** `volume rm`: each name removed unless a container record mounts it. With `force`, unknown names are no
 * error (docker's -f). */
export async function removeVolumes(engine: Engine, names: string[], force: boolean): Promise<RemoveResult> {
  const staging = await engine.store.stage();
  try {
    return await engine.containers.update((cs) => {
      const r: RemoveResult = { removed: [], errors: [] };
      for (const name of names) {
        const v = getVolume(engine, cs, name);
        if (!v) {
          if (force) r.removed.push(name);
          else r.errors.push(`get ${name}: no such volume`);
          continue;
        }
        if (v.users.length) {
          r.errors.push(`remove ${name}: volume is in use - [${v.users.join(", ")}]`);
          continue;
        }
        retire(engine, staging.dir, name);
        r.removed.push(name);
      }
      return r;
    });
  } finally {
    staging.dispose();
  }
}

function retire(engine: Engine, staging: string, name: string): void {
  const trash = join(staging, "trash");
  fs.mkdirSync(trash, { recursive: true });
  fs.renameSync(join(volumesDir(engine), name), join(trash, `volume-${name}`));
}

export interface PruneVolumesResult {
  deleted: string[];
  reclaimed: number;
}

/** Unused volumes (no container record mounts them): anonymous ones, or every one with `all`, that `keep`
 * accepts. */
export async function pruneVolumes(
  engine: Engine,
  o: { all: boolean; filter?: (v: Volume) => boolean },
): Promise<PruneVolumesResult> {
  const staging = await engine.store.stage();
  try {
    return await engine.containers.update((cs) => {
      const r: PruneVolumesResult = { deleted: [], reclaimed: 0 };
      for (const v of listVolumes(engine, cs)) {
        if (v.users.length || (!o.all && !v.anonymous) || (o.filter && !o.filter(v))) continue;
        r.reclaimed += treeSize(v.Mountpoint);
        retire(engine, staging.dir, v.Name);
        r.deleted.push(v.Name);
      }
      return r;
    });
  } finally {
    staging.dispose();
  }
}

/** label=KEY, label=KEY=VALUE (and label!=…) as docker matches them. */
export function labelMatch(labels: Record<string, string> | null, spec: string): boolean {
  const eq = spec.indexOf("=");
  const l = labels ?? {};
  return eq < 0 ? spec in l : l[spec.slice(0, eq)] === spec.slice(eq + 1);
}
