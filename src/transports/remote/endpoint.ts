// Where a registry answers: Docker Hub's registry-1.docker.io for docker.io, https://HOST otherwise, and plain
// HTTP as a fallback for insecure registries (localhost and 127.0.0.0/8 as docker does, HOIST_INSECURE_REGISTRIES,
// --tls-verify=false). HOIST_DOCKER_HUB_URL points Docker Hub (registry and index) elsewhere, e.g. a mirror
// or a test fake.
import { isIP } from "node:net";

export interface EndpointOptions {
  /** false: do not verify certificates and allow plain HTTP (podman's --tls-verify=false). */
  tlsVerify?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface Endpoints {
  /** Base URLs (scheme://host[:port]) to try in order. */
  urls: URL[];
  /** Certificates are not verified for this registry. */
  insecure: boolean;
}

const HUB_REGISTRY = "https://registry-1.docker.io";
const HUB_INDEX = "https://index.docker.io";

function hubOverride(env: NodeJS.ProcessEnv): URL | undefined {
  const v = env.HOIST_DOCKER_HUB_URL;
  return v ? new URL(v) : undefined;
}

/** The host part without port: `localhost:5000` → `localhost`, `[::1]:5000` → `::1`. */
export function hostname(hostPort: string): string {
  if (hostPort.startsWith("[")) return hostPort.slice(1, hostPort.indexOf("]"));
  const colon = hostPort.lastIndexOf(":");
  return colon >= 0 && hostPort.indexOf(":") === colon ? hostPort.slice(0, colon) : hostPort;
}

function isLoopback(host: string): boolean {
  const h = hostname(host).toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost") || h === "::1") return true;
  return isIP(h) === 4 && h.startsWith("127.");
}

function inInsecureList(host: string, env: NodeJS.ProcessEnv): boolean {
  const list = (env.HOIST_INSECURE_REGISTRIES ?? "")
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return list.some((entry) => entry === host || entry === hostname(host) || cidrContains(entry, hostname(host)));
}

function cidrContains(cidr: string, ip: string): boolean {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  if (!m || isIP(ip) !== 4) return false;
  const toInt = (s: string): number => s.split(".").reduce((n, p) => (n << 8) + Number(p), 0) >>> 0;
  const bits = Number(m[2]);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toInt(m[1] as string) & mask) >>> 0 === (toInt(ip) & mask) >>> 0;
}

/** Whether a registry host may be reached without verified TLS. */
export function isInsecure(registry: string, options: EndpointOptions = {}): boolean {
  const env = options.env ?? process.env;
  return options.tlsVerify === false || isLoopback(registry) || inInsecureList(registry, env);
}

export function registryEndpoints(registry: string, options: EndpointOptions = {}): Endpoints {
  const env = options.env ?? process.env;
  if (registry === "docker.io") {
    const o = hubOverride(env);
    return { urls: [o ?? new URL(HUB_REGISTRY)], insecure: options.tlsVerify === false };
  }
  const insecure = isInsecure(registry, options);
  const urls = [new URL(`https://${registry}`)];
  if (insecure) urls.push(new URL(`http://${registry}`));
  return { urls, insecure };
}

/** Docker Hub's index (search, the v1 API). */
export function hubIndexUrl(env: NodeJS.ProcessEnv = process.env): URL {
  return hubOverride(env) ?? new URL(HUB_INDEX);
}
