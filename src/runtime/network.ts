// Network modes and their hooks into the container lifecycle. Today: "host" (the host's network namespace),
// "none" (a new namespace with only loopback up) and "default" (docker's name for its default network; until
// bridge networking exists it shares the host's network namespace, with the container's own hostname).
// A bridge/CNI implementation plugs in here: prepare() makes and configures a namespace before the runtime
// creates the container (returning its path), teardown() releases it on exit and on rm.
import { existsSync } from "node:fs";
import { hostname as hostHostname } from "node:os";
import { join } from "node:path";
import {
  bridgeResolvConf,
  extraHostLines,
  findNetwork,
  hostAddress,
  hostFile,
  hostResolvConf as resolvConf,
  requireBridgePlugins,
  resolvConfWith,
} from "../network/index.ts";
import { HoistError } from "../errors.ts";
import type { ContainerRecord } from "../store/containers.ts";

export interface NetworkSetup {
  /** undefined: share the host's network namespace; { } a new one; { path } join an existing one. */
  namespace?: { path?: string };
  /** OCI hooks to add to the spec (e.g. createRuntime: configure the new namespace before the process runs). */
  hooks?: Record<string, { path: string; args: string[]; env?: string[] }[]> | undefined;
  hosts: string;
  resolvConf: string;
  hostname: string;
  /** The namespace exists but is still being configured: the runtime may create the container meanwhile and
   * must start it only once this settles; it gives the final /etc/hosts (which needs the address). */
  ready?: Promise<string>;
}

function findBin(name: string): string | undefined {
  for (const d of ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]) if (existsSync(`${d}/${name}`)) return `${d}/${name}`;
  return undefined;
}

/** A new network namespace starts with loopback down; docker brings it up. A createRuntime hook does it after
 * the runtime made the namespace and before the process runs (the hook reads the container's pid from the
 * state JSON on its stdin). */
function loopbackUpHook(): NetworkSetup["hooks"] {
  const sh = findBin("sh");
  const nsenter = findBin("nsenter");
  const ip = findBin("ip");
  if (!sh || !nsenter || !ip) return undefined;
  const script = `read -r s; p=\${s#*'"pid":'}; p=\${p%%[!0-9]*}; exec ${nsenter} -t "$p" -n ${ip} link set lo up`;
  return { createRuntime: [{ path: sh, args: ["sh", "-c", script] }] };
}

export interface NetworkDriver {
  /** Before the runtime creates the container. */
  prepare(c: ContainerRecord, bundleDir?: string): Promise<NetworkSetup>;
  /** On exit and on rm; must be idempotent. */
  teardown(c: ContainerRecord): Promise<void>;
}

const localhostLines = [
  "127.0.0.1\tlocalhost",
  "::1\tlocalhost ip6-localhost ip6-loopback",
  "fe00::0\tip6-localnet",
  "ff00::0\tip6-mcastprefix",
  "ff02::1\tip6-allnodes",
  "ff02::2\tip6-allrouters",
];

/** The resolv.conf `base` becomes with the container's --dns, --dns-search and --dns-option. */
function withDns(c: ContainerRecord, base: string): string {
  const hc = c.HostConfig;
  return resolvConfWith(base, { dns: hc.Dns, search: hc.DnsSearch, options: hc.DnsOptions });
}

/** The --add-host lines, `host-gateway` given as `gateway`. */
function extraHosts(c: ContainerRecord, gateway = hostAddress()): string[] {
  return extraHostLines(c.HostConfig.ExtraHosts, gateway);
}

function withExtraHosts(c: ContainerRecord, hosts: string): string {
  const extra = extraHosts(c);
  return extra.length ? `${hosts.replace(/\n?$/, "\n")}${extra.join("\n")}\n` : hosts;
}

const hostMode: NetworkDriver = {
  async prepare(c) {
    const name = c.Config.Hostname || hostHostname();
    return {
      hosts: withExtraHosts(c, hostFile("/etc/hosts", `${localhostLines.join("\n")}\n`)),
      resolvConf: withDns(c, resolvConf()),
      hostname: name,
    };
  },
  async teardown() {},
};

const defaultMode: NetworkDriver = {
  async prepare(c) {
    const hosts = `${[...localhostLines, ...extraHosts(c), `127.0.1.1\t${c.Config.Hostname}`].join("\n")}\n`;
    return { hosts, resolvConf: withDns(c, resolvConf()), hostname: c.Config.Hostname };
  },
  async teardown() {},
};

/** docker's default `bridge` network and user-defined bridge networks, through the CNI plugins (src/network).
 * On user-defined networks the peers' names go in /etc/hosts, kept current by src/network. */
const bridgeMode: NetworkDriver = {
  async prepare(c, bundleDir) {
    const { beginAttachBridge, hostsText } = await import("../network/index.ts");
    const network = c.HostConfig.NetworkMode;
    const aliases = c.NetworkAliases ?? [];
    const names = [...new Set([c.Name, c.Config.Hostname, c.Id.slice(0, 12), ...aliases].filter(Boolean))];
    // docker's order: localhost, --add-host lines (host-gateway: this network's gateway), the container's own.
    const extra = extraHosts(c, findNetwork(network)?.Gateway || hostAddress());
    const hosts = (ip: string): string => `${[...localhostLines, ...extra, `${ip}\t${names.join(" ")}`].join("\n")}\n`;
    const keep = bundleDir ? { path: join(bundleDir, "hosts"), names, base: hosts } : undefined;
    const pending = await beginAttachBridge(c.Id, network, c.HostConfig.PortBindings, keep);
    return {
      namespace: { path: pending.netns },
      hosts: hosts("127.0.1.1"),
      ready: pending.done.then((s) => (s.hosts ? hostsText(s) : hosts(s.ipAddress ?? "127.0.1.1"))),
      resolvConf: withDns(c, bridgeResolvConf()),
      hostname: c.Config.Hostname,
    };
  },
  async teardown(c) {
    const { detachBridge } = await import("../network/index.ts");
    await detachBridge(c.Id);
  },
};

const noneMode: NetworkDriver = {
  async prepare(c) {
    return {
      namespace: {},
      hooks: loopbackUpHook(),
      hosts: `${[...localhostLines, ...extraHosts(c)].join("\n")}\n`,
      resolvConf: withDns(c, resolvConf()),
      hostname: c.Config.Hostname,
    };
  },
  async teardown() {},
};

/** Normalize and check `--network` before anything is created. */
export function validateNetworkMode(mode: string | undefined): string {
  // Containers get docker's default `bridge` network; records made before it existed keep "default".
  const m = mode === undefined || mode === "" ? "bridge" : mode;
  if (m === "default" || m === "host" || m === "none") return m;
  if (m === "bridge" || (!m.startsWith("container:") && findNetwork(m))) {
    requireBridgePlugins("bridge networking");
    return m === "bridge" ? m : (findNetwork(m) as { Name: string }).Name;
  }
  if (m.startsWith("container:"))
    throw new HoistError("UNSUPPORTED", "--network container:NAME is not supported", { exitCode: 125 });
  throw new HoistError("NOT_FOUND", `network ${m} not found`, { exitCode: 125 });
}

export function networkDriver(mode: string): NetworkDriver {
  if (mode === "host") return hostMode;
  if (mode === "none") return noneMode;
  if (mode === "default") return defaultMode;
  return bridgeMode;
}

/** The hostname a new container gets: -h, the host's for --network host, else the short ID. */
export function defaultHostname(mode: string, id: string, requested: string | undefined): string {
  if (requested) return requested;
  return mode === "host" ? hostHostname() : id.slice(0, 12);
}
