// The OCI runtime spec of a RUN step: BuildKit's sandbox defaults (docker's capability set, masked /proc
// paths, /dev, /proc, /sys, /etc/hosts and /etc/resolv.conf) plus the step's own mounts.
import { readFileSync } from "node:fs";
import type { RunMount } from "./runner.ts";

export const DEFAULT_CAPS = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
  "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
]; // prettier-ignore

const MASKED = [
  "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
  "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
  "/sys/devices/virtual/powercap",
]; // prettier-ignore
const READONLY = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

export interface SpecInput {
  rootfs: string;
  args: readonly string[];
  env: readonly string[];
  cwd: string;
  user: { uid: number; gid: number; additionalGids: number[] };
  hostname: string;
  /** undefined: the host's network namespace; {} a new one; { path } an existing one. */
  netns: { path?: string } | undefined;
  hostsFile: string;
  resolvConf: string;
  mounts: readonly RunMount[];
  cgroupsPath: string;
}

let nofile: number | undefined;

function hostNofile(): number {
  if (nofile !== undefined) return nofile;
  nofile = 1048576;
  try {
    const m = /^Max open files\s+\S+\s+(\S+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    if (m && m[1] !== "unlimited") nofile = Math.min(nofile, Number(m[1]));
  } catch {
    /* keep the default */
  }
  return nofile;
}

/** The mount points the spec always has (the runtime creates them when the image lacks them). */
export const SANDBOX_TARGETS = ["/proc", "/dev", "/sys", "/etc/hosts", "/etc/resolv.conf"];

function userMount(m: RunMount): object {
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

export function buildSpec(s: SpecInput): object {
  const caps = DEFAULT_CAPS;
  const root = s.user.uid === 0;
  const limit = hostNofile();
  const namespaces: { type: string; path?: string }[] = [
    { type: "pid" },
    { type: "ipc" },
    { type: "uts" },
    { type: "mount" },
  ];
  if (s.netns) namespaces.push({ type: "network", ...(s.netns.path ? { path: s.netns.path } : {}) });
  const depth = (m: RunMount): number => m.target.split("/").length;
  return {
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user: {
        uid: s.user.uid,
        gid: s.user.gid,
        ...(s.user.additionalGids.length ? { additionalGids: s.user.additionalGids } : {}),
      },
      args: s.args,
      env: s.env,
      cwd: s.cwd,
      capabilities: { bounding: caps, effective: root ? caps : [], permitted: root ? caps : [] },
      rlimits: [{ type: "RLIMIT_NOFILE", hard: limit, soft: limit }],
      noNewPrivileges: false,
    },
    root: { path: s.rootfs, readonly: false },
    hostname: s.hostname,
    mounts: [
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
      { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
      { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
      {
        destination: "/dev/shm",
        type: "tmpfs",
        source: "shm",
        options: ["nosuid", "noexec", "nodev", "mode=1777", "size=67108864"],
      },
      { destination: "/etc/resolv.conf", type: "bind", source: s.resolvConf, options: ["rbind", "rprivate", "ro"] },
      { destination: "/etc/hosts", type: "bind", source: s.hostsFile, options: ["rbind", "rprivate", "ro"] },
      ...[...s.mounts].sort((a, b) => depth(a) - depth(b)).map(userMount),
    ],
    linux: {
      namespaces,
      cgroupsPath: s.cgroupsPath,
      maskedPaths: MASKED,
      readonlyPaths: READONLY,
    },
  };
}
