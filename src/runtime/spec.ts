// The OCI runtime spec (config.json) for a container, with docker's defaults: namespaces, capabilities,
// masked and read-only /proc paths, the standard /dev, /proc, /sys mounts, rlimits within the host's.
import { readFileSync, readdirSync, lstatSync } from "node:fs";
import { join } from "node:path";
import type { ContainerRecord, MountPoint } from "../store/containers.ts";
import { effectiveCaps } from "./caps.ts";
import type { ExecUser } from "./user.ts";

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options?: string[];
}

export interface OciProcess {
  terminal: boolean;
  user: { uid: number; gid: number; additionalGids?: number[] };
  args: string[];
  env: string[];
  cwd: string;
  capabilities: { bounding: string[]; effective: string[]; permitted: string[] };
  rlimits: { type: string; hard: number; soft: number }[];
  noNewPrivileges: boolean;
  consoleSize?: { height: number; width: number };
}

export const MASKED_PATHS = [
  "/proc/asound",
  "/proc/acpi",
  "/proc/interrupts",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/sys/firmware",
  "/sys/devices/virtual/powercap",
];
export const READONLY_PATHS = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

/** The container side of the init binary --init mounts (docker's path). */
export const INIT_PATH = "/sbin/docker-init";

let hardNofile: number | undefined;

/** The host's hard open-files limit (ours): never ask the runtime for more. */
export function hostNofile(): number {
  if (hardNofile !== undefined) return hardNofile;
  hardNofile = 1048576;
  try {
    const m = /^Max open files\s+\S+\s+(\S+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    if (m && m[1] !== "unlimited") hardNofile = Math.min(hardNofile, Number(m[1]));
  } catch {
    /* keep the default */
  }
  return hardNofile;
}

export interface CgroupSupport {
  memory: boolean;
  swap: boolean;
  cpu: boolean;
  pids: boolean;
}

/** Which resource controllers this host has (cgroup v2 unified, or v1 hierarchies). */
export function cgroupSupport(): CgroupSupport {
  try {
    const v2 = readFileSync("/sys/fs/cgroup/cgroup.controllers", "utf8").split(/\s+/);
    return {
      memory: v2.includes("memory"),
      swap: v2.includes("memory"),
      cpu: v2.includes("cpu"),
      pids: v2.includes("pids"),
    };
  } catch {
    const has = (p: string): boolean => {
      try {
        lstatSync(p);
        return true;
      } catch {
        return false;
      }
    };
    return {
      memory: has("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
      swap: has("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"),
      cpu: has("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"),
      pids: has("/sys/fs/cgroup/pids/pids.max") || has("/sys/fs/cgroup/pids/cgroup.procs"),
    };
  }
}

/** The process part of a spec: a container's init, an `exec`, a build's RUN step. */
export function sandboxProcess(p: {
  args: string[];
  env: string[];
  cwd: string;
  user: ExecUser;
  terminal: boolean;
  /** The capability set (bounding; also effective and permitted for root). */
  caps: string[];
  noNewPrivileges?: boolean;
}): OciProcess {
  const root = p.user.uid === 0;
  const nofile = hostNofile();
  return {
    terminal: p.terminal,
    user: {
      uid: p.user.uid,
      gid: p.user.gid,
      ...(p.user.additionalGids.length ? { additionalGids: p.user.additionalGids } : {}),
    },
    args: p.args,
    env: p.env,
    cwd: p.cwd,
    capabilities: { bounding: p.caps, effective: root ? p.caps : [], permitted: root ? p.caps : [] },
    rlimits: [{ type: "RLIMIT_NOFILE", hard: nofile, soft: nofile }],
    noNewPrivileges: p.noNewPrivileges ?? false,
  };
}

/** The process part of the spec, shared by the container's init and `exec`. */
export function processSpec(
  c: ContainerRecord,
  p: { args: string[]; env: string[]; cwd: string; user: ExecUser; terminal: boolean; privileged?: boolean },
): OciProcess {
  const caps = effectiveCaps(
    c.HostConfig.CapAdd ?? [],
    c.HostConfig.CapDrop ?? [],
    p.privileged || c.HostConfig.Privileged,
  );
  return sandboxProcess({ args: p.args, env: p.env, cwd: p.cwd, user: p.user, terminal: p.terminal, caps });
}

/** The files bound over /etc/hosts, /etc/resolv.conf and (when given) /etc/hostname. */
export interface SandboxFiles {
  hosts: string;
  resolvConf: string;
  hostname?: string;
  /** Read-only inside (a build step's), else writable (a container's, as docker's). */
  readOnly?: boolean;
}

function defaultMounts(privileged: boolean, cgroupMount: boolean, files: SandboxFiles): OciMount[] {
  const ro = privileged ? [] : ["ro"];
  const file = (destination: string, source: string): OciMount => ({
    destination,
    type: "bind",
    source,
    options: ["rbind", "rprivate", ...(files.readOnly ? ["ro"] : [])],
  });
  return [
    { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
    {
      destination: "/dev",
      type: "tmpfs",
      source: "tmpfs",
      options: ["nosuid", "strictatime", "mode=755", "size=65536k"],
    },
    {
      destination: "/dev/pts",
      type: "devpts",
      source: "devpts",
      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
    },
    { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", ...ro] },
    ...(cgroupMount
      ? [
          {
            destination: "/sys/fs/cgroup",
            type: "cgroup",
            source: "cgroup",
            options: ["nosuid", "noexec", "nodev", "relatime", ...ro],
          },
        ]
      : []),
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
    {
      destination: "/dev/shm",
      type: "tmpfs",
      source: "shm",
      options: ["nosuid", "noexec", "nodev", "mode=1777", "size=67108864"],
    },
    file("/etc/resolv.conf", files.resolvConf),
    ...(files.hostname !== undefined ? [file("/etc/hostname", files.hostname)] : []),
    file("/etc/hosts", files.hosts),
  ];
}

/** Where a spec's default mounts go inside the root filesystem (the runtime creates what the image lacks). */
export function defaultMountTargets(files: SandboxFiles, cgroupMount = false): string[] {
  return defaultMounts(false, cgroupMount, files).map((m) => m.destination);
}

/** A user mount (-v, --mount, --tmpfs, VOLUME) as the runtime takes it; `volumeDir` finds a volume's data. */
export function userMount(m: MountPoint, volumeDir: (name: string) => string): OciMount {
  if (m.Type === "tmpfs") {
    const opts = m.Options ?? [];
    const base = ["nosuid", "nodev", ...(opts.some((o) => o === "exec") ? [] : ["noexec"])];
    return {
      destination: m.Destination,
      type: "tmpfs",
      source: "tmpfs",
      options: [...base, ...opts.filter((o) => o !== "exec"), ...(m.ReadOnly ? ["ro"] : [])],
    };
  }
  const source = m.Type === "volume" ? volumeDir(m.Source) : m.Source;
  return {
    destination: m.Destination,
    type: "bind",
    source,
    options: ["rbind", m.Propagation ?? "rprivate", m.ReadOnly ? "ro" : "rw"],
  };
}

/** Every device node of the host (for --privileged). */
function hostDevices(): object[] {
  const out: object[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      if (p === "/dev/pts" || p === "/dev/shm" || p === "/dev/mqueue" || p === "/dev/console" || p === "/dev/ptmx")
        continue;
      let st;
      try {
        st = lstatSync(p, { bigint: true });
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else if (st.isCharacterDevice() || st.isBlockDevice()) {
        const rdev = st.rdev;
        const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
        const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
        out.push({
          path: p,
          type: st.isCharacterDevice() ? "c" : "b",
          major,
          minor,
          fileMode: Number(st.mode & 0o777n),
          uid: 0,
          gid: 0,
        });
      }
    }
  };
  walk("/dev");
  return out;
}

/** Everything a spec is made of: the one builder behind containers (buildSpec) and build RUN steps. */
export interface SandboxSpecInput {
  rootfs: string;
  readonlyRootfs: boolean;
  process: OciProcess;
  hostname: string;
  /** undefined: the host's network namespace; {} a new one; { path } an existing one. */
  netns: { path?: string } | undefined;
  files: SandboxFiles;
  /** Mount the cgroup filesystem at /sys/fs/cgroup (containers do, as docker's; build steps do not). */
  cgroupMount: boolean;
  privileged: boolean;
  mounts: OciMount[];
  cgroupsPath: string;
  /** linux.resources; none: the runtime's defaults. */
  resources?: Record<string, unknown>;
  hooks?: Record<string, object[]> | undefined;
}

export function sandboxSpec(input: SandboxSpecInput): object {
  const privileged = input.privileged;
  const userDest = new Set(input.mounts.map((m) => m.destination));
  const depth = (m: OciMount): number => m.destination.split("/").length;
  const mounts = [
    ...defaultMounts(privileged, input.cgroupMount, input.files).filter((m) => !userDest.has(m.destination)),
    ...[...input.mounts].sort((a, b) => depth(a) - depth(b)),
  ];
  const namespaces: { type: string; path?: string }[] = [
    { type: "pid" },
    { type: "ipc" },
    { type: "uts" },
    { type: "mount" },
  ];
  if (input.netns) namespaces.push({ type: "network", ...(input.netns.path ? { path: input.netns.path } : {}) });
  return {
    ociVersion: "1.0.2",
    process: input.process,
    root: { path: input.rootfs, readonly: input.readonlyRootfs },
    hostname: input.hostname,
    mounts,
    ...(input.hooks ? { hooks: input.hooks } : {}),
    linux: {
      namespaces,
      cgroupsPath: input.cgroupsPath,
      ...(input.resources ? { resources: input.resources } : {}),
      ...(privileged ? { devices: hostDevices() } : {}),
      ...(privileged ? {} : { maskedPaths: MASKED_PATHS, readonlyPaths: READONLY_PATHS }),
    },
  };
}

export interface SpecInput {
  record: ContainerRecord;
  rootfs: string;
  process: OciProcess;
  hostname: string;
  /** undefined: the host's network namespace. */
  netns: { path?: string } | undefined;
  files: { hosts: string; hostname: string; resolvConf: string };
  mounts: OciMount[];
  cgroups: CgroupSupport;
  hooks?: Record<string, object[]> | undefined;
}

/** A container's spec, with its HostConfig's limits. */
export function buildSpec(input: SpecInput): object {
  const hc = input.record.HostConfig;
  const privileged = hc.Privileged;
  const resources: Record<string, unknown> = {
    devices: [{ allow: privileged, access: "rwm" }],
  };
  if (hc.Memory > 0 && input.cgroups.memory)
    resources.memory = { limit: hc.Memory, ...(input.cgroups.swap ? { swap: hc.Memory * 2 } : {}) };
  if (hc.NanoCpus > 0 && input.cgroups.cpu) resources.cpu = { quota: Math.round(hc.NanoCpus / 1e4), period: 100000 };
  if (hc.PidsLimit !== undefined && hc.PidsLimit !== 0 && input.cgroups.pids) resources.pids = { limit: hc.PidsLimit };
  return sandboxSpec({
    rootfs: input.rootfs,
    readonlyRootfs: hc.ReadonlyRootfs,
    process: input.process,
    hostname: input.hostname,
    netns: input.netns,
    files: input.files,
    cgroupMount: true,
    privileged,
    mounts: input.mounts,
    cgroupsPath: `/hoist/${input.record.Id}`,
    resources,
    hooks: input.hooks,
  });
}
