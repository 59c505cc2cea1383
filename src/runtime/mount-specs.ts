// `-v`, `--mount`, `--tmpfs` and `-p` specs, checked before anything is created (docker's rules and messages).
import { existsSync } from "node:fs";
import { isAbsolute, normalize } from "node:path";
import { HoistError } from "../errors.ts";
import type { MountPoint, PortBinding } from "../store/containers.ts";

function bad(message: string): HoistError {
  return new HoistError("INVALID_ARGUMENT", message, { exitCode: 125 });
}

export const volumeName = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const propagations = new Set(["private", "rprivate", "shared", "rshared", "slave", "rslave"]);

function checkDestination(type: string, dest: string): string {
  if (!isAbsolute(dest))
    throw bad(`invalid mount config for type "${type}": invalid mount path: '${dest}' mount path must be absolute`);
  const clean = normalize(dest).replace(/(.)\/+$/, "$1");
  if (clean === "/") throw bad(`invalid specification: destination can't be '/'`);
  return clean;
}

const modeWords = new Set(["ro", "rw", "z", "Z", "nocopy", "consistent", "cached", "delegated", ...propagations]);

function isMode(s: string): boolean {
  return s.split(",").every((w) => modeWords.has(w));
}

/** `-v [SOURCE:]DEST[:OPTIONS]`: a bind (absolute SOURCE), a named volume, or an anonymous volume. */
export function parseVolumeFlag(spec: string): MountPoint {
  const parts = spec.split(":");
  if (spec === "" || parts.length > 3 || parts.some((p) => p === ""))
    throw bad(`invalid volume specification: '${spec}'`);
  let source = "";
  let dest: string;
  let mode = "";
  if (parts.length === 1) dest = parts[0] as string;
  else if (parts.length === 2) {
    if (isMode(parts[1] as string)) [dest, mode] = parts as [string, string];
    else [source, dest] = parts as [string, string];
  } else [source, dest, mode] = parts as [string, string, string];
  const type = source === "" || !isAbsolute(source) ? "volume" : "bind";
  if (type === "volume" && source !== "" && !volumeName.test(source))
    throw bad(
      `create ${source}: "${source}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  const m: MountPoint = {
    Type: type,
    Source: type === "bind" ? normalize(source) : source,
    Destination: checkDestination(type, dest),
    ReadOnly: false,
  };
  if (type === "volume" && source === "") m.Anonymous = true;
  for (const opt of mode === "" ? [] : mode.split(",")) {
    if (opt === "ro") m.ReadOnly = true;
    else if (opt === "rw") m.ReadOnly = false;
    else if (opt === "nocopy" && type === "volume") m.NoCopy = true;
    else if (propagations.has(opt) && type === "bind") m.Propagation = opt;
    else if (opt === "z" || opt === "Z" || opt === "consistent" || opt === "cached" || opt === "delegated") continue;
    else throw bad(`invalid mode: ${mode}`);
  }
  return m;
}

function boolValue(v: string | undefined, spec: string, key: string): boolean {
  if (v === undefined || ["1", "true", "True", "TRUE"].includes(v)) return true;
  if (["0", "false", "False", "FALSE"].includes(v)) return false;
  throw bad(`invalid argument "${spec}" for "--mount" flag: invalid value for ${key}: ${v}`);
}

/** `--mount type=bind|volume|tmpfs,source=…,target=…,readonly,…`. */
export function parseMountFlag(spec: string): MountPoint {
  let type = "volume";
  let source = "";
  let target = "";
  let readOnly = false;
  let propagation: string | undefined;
  let noCopy = false;
  const tmpfsOptions: string[] = [];
  for (const field of spec.split(",")) {
    const eq = field.indexOf("=");
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase().trim();
    const value = eq < 0 ? undefined : field.slice(eq + 1);
    const need = (): string => {
      if (value === undefined)
        throw bad(`invalid argument "${spec}" for "--mount" flag: invalid field '${field}' must be a key=value pair`);
      return value;
    };
    switch (key) {
      case "type":
        type = need();
        break;
      case "source":
      case "src":
        source = need();
        break;
      case "target":
      case "destination":
      case "dst":
        target = need();
        break;
      case "readonly":
      case "ro":
        readOnly = boolValue(value, spec, key);
        break;
      case "bind-propagation":
        propagation = need();
        if (!propagations.has(propagation))
          throw bad(`invalid argument "${spec}" for "--mount" flag: invalid propagation mode: ${propagation}`);
        break;
      case "volume-nocopy":
        noCopy = boolValue(value, spec, key);
        break;
      case "tmpfs-size":
        tmpfsOptions.push(`size=${need()}`);
        break;
      case "tmpfs-mode":
        tmpfsOptions.push(`mode=${Number.parseInt(need(), 8).toString(8)}`);
        break;
      case "consistency":
      case "volume-driver":
      case "volume-label":
      case "volume-opt":
      case "bind-nonrecursive":
        need();
        break;
      default:
        throw bad(`invalid argument "${spec}" for "--mount" flag: unexpected key '${key}' in '${field}'`);
    }
  }
  if (type !== "bind" && type !== "volume" && type !== "tmpfs")
    throw bad(`invalid argument "${spec}" for "--mount" flag: invalid mount type "${type}"`);
  if (target === "") throw bad(`invalid mount config for type "${type}": field Target must not be empty`);
  const dest = checkDestination(type, target);
  if (type === "bind") {
    if (source === "") throw bad(`invalid mount config for type "bind": field Source must not be empty`);
    if (!isAbsolute(source))
      throw bad(`invalid mount config for type "bind": invalid mount path: '${source}' mount path must be absolute`);
    if (!existsSync(source))
      throw bad(`invalid mount config for type "bind": bind source path does not exist: ${source}`);
    return {
      Type: "bind",
      Source: normalize(source),
      Destination: dest,
      ReadOnly: readOnly,
      ...(propagation ? { Propagation: propagation } : {}),
    };
  }
  if (type === "tmpfs") {
    if (source !== "") throw bad(`invalid mount config for type "tmpfs": field Source must not be specified`);
    return { Type: "tmpfs", Source: "", Destination: dest, ReadOnly: readOnly, Options: tmpfsOptions };
  }
  if (source !== "" && !volumeName.test(source))
    throw bad(
      `create ${source}: "${source}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`,
    );
  return {
    Type: "volume",
    Source: source,
    Destination: dest,
    ReadOnly: readOnly,
    ...(source === "" ? { Anonymous: true } : {}),
    ...(noCopy ? { NoCopy: true } : {}),
  };
}

/** `--tmpfs DEST[:OPTIONS]`. */
export function parseTmpfsFlag(spec: string): MountPoint {
  const colon = spec.indexOf(":");
  const dest = colon < 0 ? spec : spec.slice(0, colon);
  const opts =
    colon < 0
      ? []
      : spec
          .slice(colon + 1)
          .split(",")
          .filter(Boolean);
  return {
    Type: "tmpfs",
    Source: "",
    Destination: checkDestination("tmpfs", dest),
    ReadOnly: opts.includes("ro"),
    Options: opts.filter((o) => o !== "ro" && o !== "rw"),
  };
}

/** Refuse two mounts on one destination. */
export function checkDuplicateMounts(mounts: MountPoint[]): void {
  const seen = new Set<string>();
  for (const m of mounts) {
    if (seen.has(m.Destination)) throw bad(`Duplicate mount point: ${m.Destination}`);
    seen.add(m.Destination);
  }
}

export interface PortSpec {
  /** "80/tcp" */
  port: string;
  binding: PortBinding;
}

function portRange(s: string, what: string, spec: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
  if (!m || lo < 1 || hi > 65535 || hi < lo) throw bad(`invalid ${what}: ${s === "" ? spec : s}`);
  return [lo, hi];
}

/** `-p [IP:][HOSTPORT:]CONTAINERPORT[/PROTO]`, ranges allowed. */
export function parsePublishFlag(spec: string): PortSpec[] {
  let rest = spec;
  let proto = "tcp";
  const slash = rest.lastIndexOf("/");
  if (slash >= 0) {
    proto = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
    if (!["tcp", "udp", "sctp"].includes(proto)) throw bad(`invalid proto: ${proto}`);
  }
  let ip = "";
  if (rest.startsWith("[")) {
    const end = rest.indexOf("]");
    if (end < 0) throw bad(`invalid IP address: ${rest}`);
    ip = rest.slice(1, end);
    rest = rest.slice(end + 2);
  }
  const parts = rest.split(":");
  if (parts.length > 3 || (ip && parts.length > 2)) throw bad(`invalid port format: ${spec}`);
  let host = "";
  let ctr: string;
  if (parts.length === 3) [ip, host, ctr] = parts as [string, string, string];
  else if (parts.length === 2) [host, ctr] = parts as [string, string];
  else ctr = parts[0] as string;
  if (ctr === "") throw bad(`no port specified: ${spec}<empty>`);
  if (ip !== "" && !/^[\d.]+$|^[0-9a-fA-F:]+$/.test(ip)) throw bad(`invalid IP address: ${ip}`);
  const [clo, chi] = portRange(ctr, "containerPort", spec);
  const hostRange = host === "" ? undefined : portRange(host, "hostPort", spec);
  if (hostRange && hostRange[1] - hostRange[0] !== chi - clo && hostRange[0] !== hostRange[1])
    throw bad(`invalid ranges specified for container and host Ports: ${ctr} and ${host}`);
  const out: PortSpec[] = [];
  for (let p = clo; p <= chi; p++) {
    const hp = hostRange ? (hostRange[0] === hostRange[1] ? hostRange[0] : hostRange[0] + (p - clo)) : undefined;
    out.push({ port: `${p}/${proto}`, binding: { HostIp: ip, HostPort: hp === undefined ? "" : String(hp) } });
  }
  return out;
}
