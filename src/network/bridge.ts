// The default `bridge` network through the standard CNI plugins: a namespace per container (ip netns), the
// loopback plugin for lo, then the list bridge (host-local IPAM, outbound masquerade) → portmap (published
// ports, reachable on 127.0.0.1 too) → firewall. Teardown runs DEL in reverse with the cached result, then
// removes the namespace and the state; it is idempotent, so a crashed setup is undone by the next teardown.
import { execFile } from "node:child_process";
import fs from "node:fs";
import { promisify } from "node:util";
import { HoistError } from "../errors.ts";
import { addNetworkList, delNetworkList, findPluginDir, type ConfList } from "./cni.ts";
import { refreshOwnHosts, refreshPeerHosts, type HostsRequest } from "./hosts.ts";
import { getNetwork, type NetworkRecord } from "./networks.ts";
import { resolvePorts } from "./ports.ts";
import {
  RUN_DIR,
  containerStates,
  removeNetworkState,
  stateKey,
  writeNetworkState,
  type NetworkState,
} from "./state.ts";

const run = promisify(execFile);

export function confList(net: NetworkRecord): ConfList {
  return {
    cniVersion: "1.0.0",
    name: `hoist-${net.Name}`,
    plugins: [
      {
        type: "bridge",
        bridge: net.Bridge,
        isGateway: !net.Internal,
        ipMasq: !net.Internal,
        hairpinMode: true,
        ipam: {
          type: "host-local",
          ranges: [[{ subnet: net.Subnet, gateway: net.Gateway }]],
          ...(net.Internal ? {} : { routes: [{ dst: "0.0.0.0/0" }] }),
          dataDir: `${RUN_DIR}/ipam`,
        },
      },
      { type: "portmap", capabilities: { portMappings: true }, snat: true },
      // same-bridge: the plugin's CNI-ISOLATION-STAGE-1/2 chains drop traffic between different bridges.
      { type: "firewall", backend: "iptables", ingressPolicy: "same-bridge" },
    ],
  };
}

const loopbackList: ConfList = { cniVersion: "1.0.0", name: "hoist-loopback", plugins: [{ type: "loopback" }] };

function netnsName(id: string): string {
  return `hoist-${id.slice(0, 24)}`;
}

interface CniResult {
  interfaces?: { name: string; mac?: string; sandbox?: string }[];
  ips?: { address: string; gateway?: string; interface?: number }[];
}

function summarize(s: NetworkState, result: unknown): NetworkState {
  const r = result as CniResult;
  const ip = r.ips?.find((i) => i.address.includes("."));
  const iface = ip?.interface !== undefined ? r.interfaces?.[ip.interface] : undefined;
  const [addr, len] = (ip?.address ?? "").split("/");
  return {
    ...s,
    result,
    ...(addr ? { ipAddress: addr, prefixLen: Number(len) } : {}),
    ...(ip?.gateway ? { gateway: ip.gateway } : {}),
    ...(iface?.mac ? { macAddress: iface.mac } : {}),
  };
}

/** An attachment under way: the namespace exists (a runtime may already create the container in it) while
 * the plugins run; `done` settles with the state, or fails after undoing everything. */
export interface PendingAttachment {
  netns: string;
  done: Promise<NetworkState>;
}

/** Make the namespace and start attaching it (see PendingAttachment). Bad ports fail before anything is made. */
export async function beginAttachBridge(
  containerId: string,
  networkName: string,
  bindings: Record<string, { HostIp: string; HostPort: string }[]>,
  hosts?: HostsRequest,
): Promise<PendingAttachment> {
  const net = getNetwork(networkName);
  const full = confList(net);
  findPluginDir([...full.plugins.map((p) => p.type), "host-local", "loopback"]);
  await detachBridge(containerId); // a previous run's leftovers (crash), if any
  const { ports, mappings } = await resolvePorts(containerId, bindings);
  // portmap does nothing for an attachment without published ports but still costs an ADD and a DEL; the list
  // kept in the state is the one DEL runs, so leaving it out is consistent.
  const conf = mappings.length ? full : { ...full, plugins: full.plugins.filter((p) => p.type !== "portmap") };
  const name = netnsName(containerId);
  const initial: NetworkState = {
    containerId,
    network: net.Name,
    netns: `/run/netns/${name}`,
    conf,
    ports,
    portMappings: mappings,
  };
  writeNetworkState(initial);
  const fail = async (e: unknown): Promise<never> => {
    await detachBridge(containerId).catch(() => {});
    throw e instanceof HoistError ? e : new HoistError("RUNTIME", `setting up the network: ${(e as Error).message}`);
  };
  try {
    await run("ip", ["netns", "add", name]);
  } catch (e) {
    return fail(e);
  }
  const attach = async (): Promise<NetworkState> => {
    const a = { containerId, netns: initial.netns, ifName: "eth0", runtimeConfig: { portMappings: mappings } };
    // lo and eth0 are independent: bring them up together.
    const [, result] = await Promise.all([
      addNetworkList(loopbackList, { ...a, ifName: "lo" }),
      addNetworkList(conf, a, (partial) => writeNetworkState({ ...initial, result: partial })),
    ]);
    const state = summarize(initial, result);
    if (hosts) state.hosts = { path: hosts.path, names: hosts.names, base: hosts.base(state.ipAddress ?? "127.0.1.1") };
    writeNetworkState(state);
    if (net.Name !== "bridge") refreshPeerHosts(net.Name);
    return state;
  };
  return { netns: initial.netns, done: attach().catch(fail) };
}

/** Make the namespace and attach it; returns the state (address, ports). Undoes everything on failure. */
export async function attachBridge(
  containerId: string,
  networkName: string,
  bindings: Record<string, { HostIp: string; HostPort: string }[]>,
  hosts?: HostsRequest,
): Promise<NetworkState> {
  return (await beginAttachBridge(containerId, networkName, bindings, hosts)).done;
}

async function delAttachment(s: NetworkState): Promise<void> {
  const a = {
    containerId: s.containerId,
    netns: fs.existsSync(s.netns) ? s.netns : "",
    ifName: s.ifName ?? "eth0",
    runtimeConfig: { portMappings: s.portMappings },
  };
  try {
    await delNetworkList(s.conf, a, s.result);
  } finally {
    removeNetworkState(stateKey(s));
    if (s.network !== "bridge") refreshPeerHosts(s.network);
    if (s.extra) refreshOwnHosts(s.containerId);
  }
}

/** Undo attachBridge and any connect: CNI DEL, the namespace, the state. Quiet when there is nothing to undo. */
export async function detachBridge(containerId: string): Promise<void> {
  const all = containerStates(containerId);
  const first = all.find((s) => !s.extra);
  const errors: string[] = [];
  for (const s of all.reverse()) await delAttachment(s).catch((e: Error) => errors.push(e.message));
  if (first && fs.existsSync(first.netns)) await run("ip", ["netns", "delete", netnsName(containerId)]).catch(() => {});
  if (errors.length) throw new HoistError("RUNTIME", errors.join("; "));
}

/** `network connect`: attach a running container's namespace to another network as its next ethN. */
export async function connectBridge(
  containerId: string,
  networkName: string,
  names: string[],
  aliases: string[] = [],
): Promise<NetworkState> {
  const net = getNetwork(networkName);
  const mine = containerStates(containerId);
  const first = mine.find((s) => !s.extra);
  if (!first || !fs.existsSync(first.netns))
    throw new HoistError("CONFLICT", "container is not running on a bridge network", { exitCode: 1 });
  if (mine.some((s) => s.network === net.Name))
    throw new HoistError(
      "CONFLICT",
      `endpoint with name ${names[0] ?? containerId} already exists in network ${net.Name}`,
    );
  const used = new Set(mine.map((s) => s.ifName ?? "eth0"));
  let n = 1;
  while (used.has(`eth${n}`) && n < 64) n++;
  const conf = confList(net);
  let state: NetworkState = {
    containerId,
    network: net.Name,
    netns: first.netns,
    conf,
    ports: {},
    portMappings: [],
    extra: true,
    ifName: `eth${n}`,
    ...(aliases.length ? { aliases } : {}),
  };
  writeNetworkState(state);
  try {
    const partial = (result: unknown): void => writeNetworkState({ ...state, result });
    state = summarize(
      state,
      await addNetworkList(conf, { containerId, netns: state.netns, ifName: `eth${n}` }, partial),
    );
    if (first.hosts) state.hosts = { ...first.hosts, names: [...new Set([...names, ...aliases])] };
    writeNetworkState(state);
    refreshPeerHosts(net.Name);
    return state;
  } catch (e) {
    await delAttachment(state).catch(() => {});
    throw e;
  }
}

/** `network disconnect`: the reverse of connect (or of the first attachment's network, which ends its link). */
export async function disconnectBridge(containerId: string, networkName: string): Promise<void> {
  const net = getNetwork(networkName);
  const s = containerStates(containerId).find((x) => x.network === net.Name);
  if (!s)
    throw new HoistError("CONFLICT", `container ${containerId.slice(0, 12)} is not connected to network ${net.Name}`);
  await delAttachment(s);
}
