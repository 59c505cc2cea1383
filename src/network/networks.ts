// User-defined bridge networks (`network create`): one JSON record each, host-wide like the bridges and
// subnets they stand for, under /var/lib/hoist-network (HOIST_NETWORK_DIR). The default `bridge` network is
// built in and never stored. A subnet that overlaps another network or a host route is refused.
import { execFileSync } from "node:child_process";
import { randomHex } from "../random.ts";
import fs from "node:fs";
import { join } from "node:path";
import { HoistError } from "../errors.ts";
import { writeFileAtomic } from "../store/atomic.ts";
import { RUN_DIR } from "./state.ts";
import { cidrsOverlap, parseCidr, ipToString } from "./cidr.ts";

export const NETWORK_DIR = process.env.HOIST_NETWORK_DIR || "/var/lib/hoist-network";
/** The default network's subnet, clear of other engines' defaults: docker's 172.17.0.0/16 and pools
 * (172.16.0.0/12, 192.168.0.0/16), podman's 10.88.0.0/16 and pools (10.89.0.0 and up), nerdctl's 10.4.0.0/24,
 * k3s's 10.42-43.0.0/16. User networks take /24s after it, up to POOL_END (podman's pools start there). */
export const DEFAULT_SUBNET = process.env.HOIST_BRIDGE_SUBNET || "10.77.0.0/16";
const POOL_END = parseCidr("10.88.0.0/16").base;

export interface NetworkRecord {
  Name: string;
  Id: string;
  Created: string;
  Driver: "bridge";
  Internal: boolean;
  Labels: Record<string, string>;
  Subnet: string;
  Gateway: string;
  /** The Linux bridge. */
  Bridge: string;
}

export function defaultNetwork(): NetworkRecord {
  const sub = parseCidr(DEFAULT_SUBNET);
  return {
    Name: "bridge",
    Id: "0".repeat(64),
    Created: "0001-01-01T00:00:00Z",
    Driver: "bridge",
    Internal: false,
    Labels: {},
    Subnet: DEFAULT_SUBNET,
    Gateway: ipToString(sub.base + 1),
    Bridge: process.env.HOIST_BRIDGE_NAME || "hoist0",
  };
}

export const BUILTIN = new Set(["bridge", "host", "none", "default"]);

export function listNetworks(): NetworkRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(NETWORK_DIR);
  } catch {
    return [];
  }
  const out: NetworkRecord[] = [];
  for (const n of names.filter((x) => x.endsWith(".json")))
    try {
      out.push(JSON.parse(fs.readFileSync(join(NETWORK_DIR, n), "utf8")) as NetworkRecord);
    } catch {
      /* half-written or removed meanwhile */
    }
  return out.sort((a, b) => a.Name.localeCompare(b.Name));
}

/** By name, full ID or unique ID prefix; the built-in `bridge` too. */
export function findNetwork(ref: string): NetworkRecord | undefined {
  if (ref === "bridge") return defaultNetwork();
  const all = listNetworks();
  return all.find((n) => n.Name === ref || n.Id === ref) ?? all.find((n) => n.Id.startsWith(ref));
}

export function getNetwork(ref: string): NetworkRecord {
  const n = findNetwork(ref);
  if (!n) throw new HoistError("NOT_FOUND", `network ${ref} not found`);
  return n;
}

/** Addresses in use on the host (other engines' bridges, the uplink): a new subnet must stay clear of them. */
function hostRoutes(): string[] {
  try {
    const out = execFileSync("ip", ["-4", "-o", "route", "show"], { encoding: "utf8" });
    return out
      .split("\n")
      .map((l) => l.split(" ")[0] ?? "")
      .filter((d) => /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(d));
  } catch {
    return [];
  }
}

export interface CreateNetworkOptions {
  subnet?: string;
  gateway?: string;
  internal?: boolean;
  labels?: Record<string, string>;
  driver?: string;
}

function chooseSubnet(taken: string[]): string {
  const base = parseCidr(DEFAULT_SUBNET);
  // The /24s after the default network's subnet (10.78.0.0/24 upwards), before podman's range.
  const start = (base.base + 2 ** (32 - base.prefix)) >>> 0;
  const end = start < POOL_END ? POOL_END : start + 4096 * 256;
  for (let a = start; a < end; a += 256) {
    const s = `${ipToString(a >>> 0)}/24`;
    if (!taken.some((t) => cidrsOverlap(t, s))) return s;
  }
  throw new HoistError("CONFLICT", "could not find an available, non-overlapping IPv4 address pool");
}

export function createNetwork(name: string, o: CreateNetworkOptions): NetworkRecord {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name))
    throw new HoistError("INVALID_ARGUMENT", `invalid network name "${name}"`);
  if (BUILTIN.has(name) || listNetworks().some((n) => n.Name === name))
    throw new HoistError("CONFLICT", `network with name ${name} already exists`);
  if (o.driver !== undefined && o.driver !== "bridge")
    throw new HoistError("UNSUPPORTED", `plugin "${o.driver}" not found: only the bridge driver is supported`);
  const ours = [defaultNetwork(), ...listNetworks()].map((n) => n.Subnet);
  let subnet: string;
  if (o.subnet !== undefined) {
    const c = parseCidr(o.subnet);
    subnet = `${ipToString(c.base)}/${c.prefix}`;
    const clash = [...ours, ...hostRoutes()].find((t) => cidrsOverlap(t, subnet));
    if (clash)
      throw new HoistError("CONFLICT", `invalid pool request: Pool overlaps with other one on this address space`);
  } else subnet = chooseSubnet([...ours, ...hostRoutes()]);
  const sub = parseCidr(subnet);
  const gateway = o.gateway ?? ipToString(sub.base + 1);
  if (!cidrsOverlap(`${gateway}/32`, subnet))
    throw new HoistError("INVALID_ARGUMENT", `no matching subnet for gateway ${gateway}`);
  const id = randomHex(32);
  const rec: NetworkRecord = {
    Name: name,
    Id: id,
    Created: new Date().toISOString(),
    Driver: "bridge",
    Internal: o.internal ?? false,
    Labels: o.labels ?? {},
    Subnet: subnet,
    Gateway: gateway,
    Bridge: `hoist-${id.slice(0, 9)}`,
  };
  fs.mkdirSync(NETWORK_DIR, { recursive: true });
  writeFileAtomic(join(NETWORK_DIR, `${id}.json`), JSON.stringify(rec));
  return rec;
}

const ISOLATION_COMMENT = "CNI firewall plugin rules (ingressPolicy: same-bridge)";

/** The firewall plugin's same-bridge isolation adds two rules per bridge (CNI-ISOLATION-STAGE-1: from this
 * bridge to another goes to stage 2; CNI-ISOLATION-STAGE-2: into this bridge is dropped) and never removes
 * them: its DEL cannot know whether other containers still use the bridge. Once the network is gone nothing
 * does, so they go with it. The chains, their RETURN rules and FORWARD's jump are shared by every bridge (as
 * docker's DOCKER-ISOLATION chains are) and stay. */
export function isolationRules(bridge: string): string[][] {
  const c = ["-m", "comment", "--comment", ISOLATION_COMMENT];
  return [
    ["CNI-ISOLATION-STAGE-1", "-i", bridge, "!", "-o", bridge, ...c, "-j", "CNI-ISOLATION-STAGE-2"],
    ["CNI-ISOLATION-STAGE-2", "-o", bridge, ...c, "-j", "DROP"],
  ];
}

function dropIsolationRules(bridge: string): void {
  for (const rule of isolationRules(bridge))
    for (let i = 0; i < 8; i++) {
      try {
        execFileSync("iptables", ["-w", "-t", "filter", "-D", ...rule], { stdio: "ignore" });
      } catch {
        break; // no (more) such rule
      }
    }
}

/** The isolation rules of user-network bridges that are gone (a network removed by an older hoist, whose
 * rm left them): `network prune` drops them so that they cannot pile up. */
export function sweepIsolationRules(): string[] {
  let rules: string;
  try {
    rules = execFileSync("iptables-save", ["-t", "filter"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return [];
  }
  const bridges = new Set([...rules.matchAll(/^-A CNI-ISOLATION-STAGE-2 -o (hoist-[0-9a-f]{9}) /gm)].map((m) => m[1]));
  const gone = [...bridges].filter((b): b is string => b !== undefined && !fs.existsSync(`/sys/class/net/${b}`));
  for (const b of gone) dropIsolationRules(b);
  return gone;
}

/** Drop the record, the bridge (left by the bridge plugin) and its isolation rules. The caller checked it is
 * unused. */
export function removeNetwork(n: NetworkRecord): void {
  fs.rmSync(join(NETWORK_DIR, `${n.Id}.json`), { force: true });
  fs.rmSync(join(RUN_DIR, "ipam", `hoist-${n.Name}`), { recursive: true, force: true });
  try {
    execFileSync("ip", ["link", "delete", n.Bridge, "type", "bridge"], { stdio: "ignore" });
  } catch {
    /* never made */
  }
  dropIsolationRules(n.Bridge);
}
