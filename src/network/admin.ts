// `network ls/inspect/rm/prune` as data: docker's inspect shape, and the in-use rule (a network with
// attached containers cannot be removed).
import { HoistError } from "../errors.ts";
import { BUILTIN, defaultNetwork, listNetworks, removeNetwork, type NetworkRecord } from "./networks.ts";
import { allNetworkStates } from "./state.ts";

export { createNetwork, findNetwork, getNetwork, listNetworks, type NetworkRecord } from "./networks.ts";

/** Every network: the built-in bridge, host and none, then the user-defined ones. */
export function allNetworks(): NetworkRecord[] {
  const base = defaultNetwork();
  const pseudo = (name: string, n: number): NetworkRecord => ({
    ...base,
    Name: name,
    Id: String(n).repeat(64),
    Subnet: "",
    Gateway: "",
    Bridge: "",
    Driver: name as "bridge",
  });
  return [base, pseudo("host", 1), pseudo("none", 2), ...listNetworks()];
}

export function inspectNetwork(n: NetworkRecord, names: Record<string, string> = {}): object {
  const containers: Record<string, object> = {};
  for (const s of allNetworkStates())
    if (s.network === n.Name)
      containers[s.containerId] = {
        Name: names[s.containerId] ?? "",
        EndpointID: "",
        MacAddress: s.macAddress ?? "",
        IPv4Address: s.ipAddress ? `${s.ipAddress}/${s.prefixLen ?? 0}` : "",
        IPv6Address: "",
      };
  return {
    Name: n.Name,
    Id: n.Id,
    Created: n.Created,
    Scope: "local",
    Driver: n.Driver,
    EnableIPv6: false,
    IPAM: { Driver: "default", Options: {}, Config: n.Subnet ? [{ Subnet: n.Subnet, Gateway: n.Gateway }] : [] },
    Internal: n.Internal,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: "" },
    ConfigOnly: false,
    Containers: containers,
    Options: n.Bridge ? { "com.docker.network.bridge.name": n.Bridge } : {},
    Labels: n.Labels,
  };
}

export function inUse(n: NetworkRecord): boolean {
  return allNetworkStates().some((s) => s.network === n.Name);
}

export function deleteNetwork(n: NetworkRecord, storeUses: (name: string) => boolean): void {
  if (BUILTIN.has(n.Name))
    throw new HoistError("DENIED", `${n.Name} is a pre-defined network and cannot be removed`, { exitCode: 1 });
  if (inUse(n) || storeUses(n.Name))
    throw new HoistError("CONFLICT", `error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
  removeNetwork(n);
}
