// Name resolution on user-defined networks: every container's /etc/hosts (a file bind-mounted from its
// bundle) lists the other containers on its networks by name, hostname and alias. It is rewritten in place
// (same inode, so the bind mount sees it) whenever a container joins or leaves a network.
import fs from "node:fs";
import { allNetworkStates, containerStates, type NetworkState } from "./state.ts";

/** What attach needs to keep a container's /etc/hosts: its path, the names, its own lines given the address. */
export interface HostsRequest {
  path: string;
  names: string[];
  base: (ip: string) => string;
}

export interface HostsInfo {
  path: string;
  base: string;
  names: string[];
}

/** The peer lines a container on `network` gets (every other attached container there with an address). */
export function peerLines(network: string, self: string, states = allNetworkStates()): string[] {
  return states
    .filter((s) => s.network === network && s.containerId !== self && s.ipAddress && s.hosts?.names.length)
    .map((s) => `${s.ipAddress}\t${(s.hosts as HostsInfo).names.join(" ")}`);
}

/** A container's /etc/hosts: its own lines, then its peers on every user-defined network it is attached to. */
export function hostsText(s: NetworkState, states = allNetworkStates()): string {
  const mine = containerStates(s.containerId, states);
  const base = mine.find((x) => x.hosts)?.hosts?.base ?? s.hosts?.base ?? "";
  const peers = new Set<string>();
  for (const m of mine) {
    if (m.network === "bridge") continue;
    for (const l of peerLines(m.network, m.containerId, states)) peers.add(l);
  }
  return base + [...peers].map((l) => `${l}\n`).join("");
}

/** Rewrite the hosts file of every container attached to `network`. */
export function refreshPeerHosts(network: string): void {
  const states = allNetworkStates();
  for (const s of states) {
    if (s.network !== network || !s.hosts) continue;
    try {
      fs.writeFileSync(s.hosts.path, hostsText(s, states));
    } catch {
      /* the container is going away */
    }
  }
}

/** Rewrite one container's hosts file (after it left one of its networks). */
export function refreshOwnHosts(containerId: string): void {
  const states = allNetworkStates();
  const s = containerStates(containerId, states).find((x) => x.hosts);
  if (!s?.hosts) return;
  try {
    fs.writeFileSync(s.hosts.path, hostsText(s, states));
  } catch {
    /* the container is going away */
  }
}
