// The default `bridge` network through the standard CNI plugins: a namespace per container (ip netns), the
// loopback plugin for lo, then the list bridge (host-local IPAM, outbound masquerade) → portmap (published
// ports, reachable on 127.0.0.1 too) → firewall. Teardown runs DEL in reverse with the cached result, then
// removes the namespace and the state; it is idempotent, so a crashed setup is undone by the next teardown.
import { execFile } from "node:child_process";
import fs from "node:fs";
import { promisify } from "node:util";
import { HoistError } from "../errors.ts";
import { addNetworkList, delNetworkList, findPluginDir, type ConfList } from "./cni.ts";
import { resolvePorts } from "./ports.ts";
import { RUN_DIR, readNetworkState, removeNetworkState, writeNetworkState, type NetworkState } from "./state.ts";

const run = promisify(execFile);

export const DEFAULT_SUBNET = process.env.HOIST_BRIDGE_SUBNET || "10.89.0.0/16";
export const DEFAULT_BRIDGE = process.env.HOIST_BRIDGE_NAME || "hoist0";

export function defaultConfList(): ConfList {
  return {
    cniVersion: "1.0.0",
    name: "hoist-bridge",
    plugins: [
      {
        type: "bridge",
        bridge: DEFAULT_BRIDGE,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: "host-local",
          ranges: [[{ subnet: DEFAULT_SUBNET }]],
          routes: [{ dst: "0.0.0.0/0" }],
          dataDir: `${RUN_DIR}/ipam`,
        },
      },
      { type: "portmap", capabilities: { portMappings: true }, snat: true },
      { type: "firewall", backend: "iptables" },
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

/** Make the namespace and attach it; returns the state (address, ports). Undoes everything on failure. */
export async function attachBridge(
  containerId: string,
  bindings: Record<string, { HostIp: string; HostPort: string }[]>,
): Promise<NetworkState> {
  const conf = defaultConfList();
  findPluginDir([...conf.plugins.map((p) => p.type), "host-local", "loopback"]);
  await detachBridge(containerId); // a previous run's leftovers (crash), if any
  const { ports, mappings } = await resolvePorts(containerId, bindings);
  const name = netnsName(containerId);
  let state: NetworkState = {
    containerId,
    network: "bridge",
    netns: `/run/netns/${name}`,
    conf,
    ports,
    portMappings: mappings,
  };
  writeNetworkState(state);
  try {
    await run("ip", ["netns", "add", name]);
    const a = { containerId, netns: state.netns, ifName: "eth0", runtimeConfig: { portMappings: mappings } };
    await addNetworkList(loopbackList, { ...a, ifName: "lo" });
    state = summarize(state, await addNetworkList(conf, a));
    writeNetworkState(state);
    return state;
  } catch (e) {
    await detachBridge(containerId).catch(() => {});
    throw e instanceof HoistError ? e : new HoistError("RUNTIME", `setting up the network: ${(e as Error).message}`);
  }
}

/** Undo attachBridge: CNI DEL, the namespace, the state. Quiet when there is nothing to undo. */
export async function detachBridge(containerId: string): Promise<void> {
  const s = readNetworkState(containerId);
  if (!s) return;
  const a = { containerId, netns: s.netns, ifName: "eth0", runtimeConfig: { portMappings: s.portMappings } };
  const netnsExists = fs.existsSync(s.netns);
  let err: unknown;
  try {
    await delNetworkList(s.conf, netnsExists ? a : { ...a, netns: "" }, s.result);
  } catch (e) {
    err = e;
  }
  if (netnsExists) await run("ip", ["netns", "delete", netnsName(containerId)]).catch(() => {});
  removeNetworkState(containerId);
  if (err) throw err;
}
