// Published ports: docker's PortBindings ("80/tcp" → [{HostIp, HostPort}]) turned into CNI portMappings,
// with a free host port chosen where none was given, and a port that is already taken refused before
// anything is created.
import net from "node:net";
import { HoistError } from "../errors.ts";
import { allNetworkStates, type PublishedPort } from "./state.ts";

export interface PortMapping {
  hostPort: number;
  containerPort: number;
  protocol: string;
  hostIP?: string;
}

function inUseError(ip: string, port: number): HoistError {
  return new HoistError(
    "CONFLICT",
    `driver failed programming external connectivity: Bind for ${ip || "0.0.0.0"}:${port} failed: address already in use`,
  );
}

/** Binds and releases the port: fails if another process listens there. Port 0 returns a free port. */
function probe(ip: string, port: number, protocol: string): Promise<number> {
  if (protocol !== "tcp") return Promise.resolve(port || 30000 + Math.floor(Math.random() * 20000));
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", (e: NodeJS.ErrnoException) =>
      reject(e.code === "EADDRINUSE" ? inUseError(ip, port) : new HoistError("IO", e.message)),
    );
    s.listen({ host: ip || "0.0.0.0", port, exclusive: true }, () => {
      const got = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(got));
    });
  });
}

export async function resolvePorts(
  containerId: string,
  bindings: Record<string, { HostIp: string; HostPort: string }[]>,
): Promise<{ ports: Record<string, PublishedPort[]>; mappings: PortMapping[] }> {
  const taken = new Set<string>();
  for (const s of allNetworkStates())
    if (s.containerId !== containerId) for (const m of s.portMappings) taken.add(`${m.protocol}:${m.hostPort}`);
  const ports: Record<string, PublishedPort[]> = {};
  const mappings: PortMapping[] = [];
  for (const [key, list] of Object.entries(bindings)) {
    const [p, proto = "tcp"] = key.split("/");
    const containerPort = Number(p);
    for (const b of list.length ? list : [{ HostIp: "", HostPort: "" }]) {
      const wanted = b.HostPort ? Number(b.HostPort) : 0;
      if (wanted && taken.has(`${proto}:${wanted}`)) throw inUseError(b.HostIp, wanted);
      const hostPort = await probe(b.HostIp, wanted, proto);
      taken.add(`${proto}:${hostPort}`);
      (ports[key] ??= []).push({ HostIp: b.HostIp || "0.0.0.0", HostPort: String(hostPort) });
      mappings.push({ hostPort, containerPort, protocol: proto, ...(b.HostIp ? { hostIP: b.HostIp } : {}) });
    }
  }
  return { ports, mappings };
}
