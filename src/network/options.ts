// A container's own name-resolution settings, as docker's run flags give them: --add-host (extra /etc/hosts
// lines, `host-gateway` standing for the gateway), --dns, --dns-search, --dns-option (its /etc/resolv.conf)
// and --network-alias: checks with docker's messages, and the file contents they make (from the host's
// resolv.conf).
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";

export const HOST_GATEWAY = "host-gateway";

/** An address in Go's net.IP String() form (IPv6 compressed, lower case); undefined when it is none. */
function canonicalIp(s: string): string | undefined {
  const v = isIP(s);
  if (v === 4) return s;
  if (v !== 6) return undefined;
  try {
    return new URL(`http://[${s}]/`).hostname.slice(1, -1);
  } catch {
    return s;
  }
}

/** docker's ValidateExtraHost: NAME:IP or NAME=IP (IP may be in brackets, or host-gateway); returns NAME:IP. */
export function parseExtraHost(val: string): string {
  let cut = val.indexOf("=");
  if (cut < 0) cut = val.indexOf(":");
  const name = cut < 0 ? "" : val.slice(0, cut);
  let ip = cut < 0 ? "" : val.slice(cut + 1);
  if (cut < 0 || name === "" || name.includes(":")) throw new Error(`bad format for add-host: "${val}"`);
  if (ip !== HOST_GATEWAY) {
    if (ip.length > 2 && ip.startsWith("[") && ip.endsWith("]")) ip = ip.slice(1, -1);
    if (canonicalIp(ip.trim()) === undefined) throw new Error(`invalid IP address in add-host: "${ip}"`);
  }
  return `${name}:${ip}`;
}

/** docker's ValidateIPAddress for --dns: the address in canonical form. */
export function validateDns(val: string): string {
  const ip = canonicalIp(val.trim());
  if (ip === undefined) throw new Error(`IP address is not correctly formatted: ${val}`);
  return ip;
}

const domainRe =
  /^((?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*)\.?\s*$/;

/** docker's ValidateDNSSearch: a domain, or "." for none. */
export function validateDnsSearch(val: string): string {
  const v = val.replace(/^ +| +$/g, "");
  if (v === ".") return v;
  const m = domainRe.exec(v);
  if (!/[a-zA-Z]/.test(v) || !m || (m[1] ?? "").length >= 255) throw new Error(`${v} is not a valid domain`);
  return m[1] as string;
}

/** docker's rule for network-scoped aliases: only on user-defined networks. */
export function checkAliases(aliases: readonly string[], network: string): string | undefined {
  if (aliases.length === 0 || !["bridge", "default", "host", "none"].includes(network)) return undefined;
  return "network-scoped alias is supported only for containers in user defined networks";
}

/** The host's own address for `host-gateway` where no bridge gateway applies (--network host). */
export function hostAddress(): string {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (/^(hoist|veth|cni|docker|lo)/.test(name)) continue;
    const a = addrs?.find((x) => x.family === "IPv4" && !x.internal);
    if (a) return a.address;
  }
  return "127.0.0.1";
}

/** The /etc/hosts lines --add-host makes, in order, `host-gateway` replaced by `gateway`. */
export function extraHostLines(extraHosts: readonly string[] | null | undefined, gateway: string): string[] {
  return (extraHosts ?? []).map((h) => {
    const colon = h.indexOf(":");
    const ip = h.slice(colon + 1);
    return `${ip === HOST_GATEWAY ? gateway : ip}\t${h.slice(0, colon)}`;
  });
}

export interface DnsSettings {
  dns?: readonly string[] | null | undefined;
  search?: readonly string[] | null | undefined;
  options?: readonly string[] | null | undefined;
}

function words(text: string, key: string): string[][] {
  return text
    .split("\n")
    .map((l) =>
      l
        .replace(/[#;].*$/, "")
        .trim()
        .split(/\s+/),
    )
    .filter((w) => w[0] === key)
    .map((w) => w.slice(1));
}

/** The container's resolv.conf: unchanged without --dns/--dns-search/--dns-option; otherwise docker's
 * layout (search, nameservers, options), each part from the flags where given, from `base` where not. */
export function resolvConfWith(base: string, s: DnsSettings): string {
  const dns = s.dns ?? [];
  const search = s.search ?? [];
  const options = s.options ?? [];
  if (!dns.length && !search.length && !options.length) return base;
  const servers = dns.length ? dns : words(base, "nameserver").map((w) => w[0] ?? "");
  const domains = search.length ? search : (words(base, "search").at(-1) ?? words(base, "domain").at(-1) ?? []);
  const opts = options.length ? options : words(base, "options").flat();
  let out = "";
  const searchLine = domains.join(" ").trim();
  if (searchLine && searchLine !== ".") out += `search ${domains.join(" ")}\n`;
  for (const n of servers.filter(Boolean)) out += `nameserver ${n}\n`;
  const optsLine = opts.join(" ").trim();
  if (optsLine) out += `options ${opts.join(" ")}\n`;
  return out;
}

/** A file of the host's (/etc/hosts, /etc/resolv.conf), or `fallback` when it cannot be read. */
export function hostFile(path: string, fallback: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return fallback;
  }
}

/** The host's /etc/resolv.conf (Google's public resolvers when there is none). */
export function hostResolvConf(): string {
  return hostFile("/etc/resolv.conf", "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
}

/** The host's resolvers, loopback ones dropped (they mean nothing inside another namespace), as docker does;
 * Google's public resolvers when none remain. */
export function bridgeResolvConf(): string {
  const lines = hostResolvConf()
    .split("\n")
    .filter((l) => !/^\s*nameserver\s+(127\.|::1\s*$)/.test(l));
  if (!lines.some((l) => /^\s*nameserver\s/.test(l))) lines.push("nameserver 8.8.8.8", "nameserver 8.8.4.4");
  return `${lines.join("\n").trim()}\n`;
}
