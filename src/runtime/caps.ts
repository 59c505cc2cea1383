// Linux capabilities: docker's default set, --cap-add/--cap-drop (with ALL), --privileged.
import { readFileSync } from "node:fs";
import { HoistError } from "../errors.ts";

/** By number, as in linux/capability.h. */
const ALL = [
  "CHOWN",
  "DAC_OVERRIDE",
  "DAC_READ_SEARCH",
  "FOWNER",
  "FSETID",
  "KILL",
  "SETGID",
  "SETUID",
  "SETPCAP",
  "LINUX_IMMUTABLE",
  "NET_BIND_SERVICE",
  "NET_BROADCAST",
  "NET_ADMIN",
  "NET_RAW",
  "IPC_LOCK",
  "IPC_OWNER",
  "SYS_MODULE",
  "SYS_RAWIO",
  "SYS_CHROOT",
  "SYS_PTRACE",
  "SYS_PACCT",
  "SYS_ADMIN",
  "SYS_BOOT",
  "SYS_NICE",
  "SYS_RESOURCE",
  "SYS_TIME",
  "SYS_TTY_CONFIG",
  "MKNOD",
  "LEASE",
  "AUDIT_WRITE",
  "AUDIT_CONTROL",
  "SETFCAP",
  "MAC_OVERRIDE",
  "MAC_ADMIN",
  "SYSLOG",
  "WAKE_ALARM",
  "BLOCK_SUSPEND",
  "AUDIT_READ",
  "PERFMON",
  "BPF",
  "CHECKPOINT_RESTORE",
].map((c) => `CAP_${c}`);

/** docker's default capabilities. */
export const DEFAULT_CAPS = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

/** The capabilities this kernel knows and this process may pass on (its bounding set). */
export function hostCaps(): string[] {
  let last = ALL.length - 1;
  let bounding = (1n << 64n) - 1n;
  try {
    last = Math.min(last, Number(readFileSync("/proc/sys/kernel/cap_last_cap", "utf8").trim()));
    const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) bounding = BigInt(`0x${m[1]}`);
  } catch {
    /* keep the table */
  }
  return ALL.slice(0, last + 1).filter((_, i) => (bounding >> BigInt(i)) & 1n);
}

/** "net_admin", "NET_ADMIN", "CAP_NET_ADMIN" → "CAP_NET_ADMIN"; "ALL" stays. Unknown names are an error. */
export function normalizeCap(name: string): string {
  const up = name.trim().toUpperCase();
  if (up === "ALL") return "ALL";
  const full = up.startsWith("CAP_") ? up : `CAP_${up}`;
  if (!ALL.includes(full))
    throw new HoistError("INVALID_ARGUMENT", `invalid capability: ${JSON.stringify(name)}`, { exitCode: 125 });
  return full;
}

/** The container's capability set: --cap-add ALL keeps all but the dropped, --cap-drop ALL keeps only the added,
 * otherwise the defaults minus the dropped plus the added. */
export function effectiveCaps(add: string[], drop: string[], privileged: boolean): string[] {
  const known = hostCaps();
  if (privileged) return known;
  const a = add.map(normalizeCap);
  const d = drop.map(normalizeCap);
  let caps: string[];
  if (a.includes("ALL")) caps = known.filter((c) => !d.includes(c));
  else if (d.includes("ALL")) caps = [...a];
  else caps = [...DEFAULT_CAPS.filter((c) => !d.includes(c)), ...a];
  return [...new Set(caps)].filter((c) => known.includes(c));
}
