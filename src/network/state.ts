// What a container's attachment to a network left on the host, kept under /run (it lives as long as the
// namespaces and interfaces it describes): the namespace, the address, the published ports, and the CNI
// result that DEL needs. Written before anything is created, so a crash mid-setup can be undone.
import fs from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../store/atomic.ts";
import type { ConfList } from "./cni.ts";

export const RUN_DIR = process.env.HOIST_NETWORK_RUN_DIR || "/run/hoist/network";
export const STATE_DIR = join(RUN_DIR, "containers");

export interface PublishedPort {
  HostIp: string;
  HostPort: string;
}

export interface NetworkState {
  containerId: string;
  network: string;
  netns: string;
  conf: ConfList;
  ports: Record<string, PublishedPort[]>;
  portMappings: { hostPort: number; containerPort: number; protocol: string; hostIP?: string }[];
  result?: unknown;
  /** A further network joined with `network connect` (its interface ethN); the first one has no flag. */
  extra?: boolean;
  ifName?: string;
  /** `network connect --alias`: the container's further names on this network. */
  aliases?: string[];
  /** Where the container's /etc/hosts lives on the host, its own lines, and the names peers know it by. */
  hosts?: { path: string; base: string; names: string[] };
  ipAddress?: string;
  prefixLen?: number;
  gateway?: string;
  macAddress?: string;
}

function statePath(key: string): string {
  return join(STATE_DIR, `${key}.json`);
}

/** A container's first attachment by its ID; a further one by `ID@NETWORK`. */
export function stateKey(s: { containerId: string; network: string; extra?: boolean }): string {
  return s.extra ? `${s.containerId}@${s.network}` : s.containerId;
}

export function readNetworkState(key: string): NetworkState | undefined {
  try {
    return JSON.parse(fs.readFileSync(statePath(key), "utf8")) as NetworkState;
  } catch {
    return undefined;
  }
}

export function writeNetworkState(s: NetworkState): void {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  writeFileAtomic(statePath(stateKey(s)), JSON.stringify(s));
}

export function removeNetworkState(key: string): void {
  fs.rmSync(statePath(key), { force: true });
}

/** Every attachment of one container, the first one first. */
export function containerStates(id: string, all = allNetworkStates()): NetworkState[] {
  return all.filter((s) => s.containerId === id).sort((a, b) => Number(a.extra ?? false) - Number(b.extra ?? false));
}

export function allNetworkStates(): NetworkState[] {
  let names: string[];
  try {
    names = fs.readdirSync(STATE_DIR);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(".json"))
    .map((n) => readNetworkState(n.slice(0, -5)))
    .filter((s): s is NetworkState => s !== undefined);
}
