// TLS per registry host: the system's CAs plus docker's certs.d (`/etc/docker/certs.d/HOST[:PORT]/`):
// `*.crt` are extra CA roots, `*.cert` + `*.key` a client certificate.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import tls from "node:tls";
import { HoistError } from "../errors.ts";

export const DEFAULT_CERT_DIRS = ["/etc/docker/certs.d", "/etc/containers/certs.d"];

export interface TlsSettings {
  /** certs.d roots, searched in order for a HOST[:PORT] directory. */
  certDirs: string[];
  /** Hosts (host[:port]) whose certificates are not verified (`--tls-verify=false`, insecure registries). */
  skipVerify?: (host: string) => boolean;
}

export interface TlsOptions {
  ca?: string[];
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
}

let systemCas: string[] | undefined;

/** Node's bundled roots plus the system store (Debian's ca-certificates), read once. */
function systemRoots(): string[] {
  if (systemCas) return systemCas;
  const roots = new Set<string>(tls.rootCertificates);
  try {
    const get = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
    for (const c of get?.("system") ?? []) roots.add(c);
  } catch {
    /* an older Node: bundled roots only */
  }
  systemCas = [...roots];
  return systemCas;
}

/** The TLS options for connecting to `host` (as `host` or `host:port`). */
export function tlsOptionsFor(host: string, settings: TlsSettings): TlsOptions {
  const skip = settings.skipVerify?.(host) ?? false;
  const extra = certsDFor(host, settings.certDirs);
  const out: TlsOptions = { rejectUnauthorized: !skip };
  if (extra.cas.length > 0) out.ca = [...systemRoots(), ...extra.cas];
  if (extra.cert !== undefined && extra.key !== undefined) {
    out.cert = extra.cert;
    out.key = extra.key;
  }
  return out;
}

interface CertsD {
  cas: string[];
  cert?: string;
  key?: string;
}

function certsDFor(host: string, dirs: string[]): CertsD {
  const out: CertsD = { cas: [] };
  for (const root of dirs) {
    const dir = join(root, host.replace(/[/\\]/g, "_"));
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      if (n.endsWith(".crt")) out.cas.push(readFileSync(join(dir, n), "utf8"));
      else if (n.endsWith(".cert") && out.cert === undefined) {
        const keyName = `${n.slice(0, -5)}.key`;
        if (!names.includes(keyName))
          throw new HoistError("INVALID_ARGUMENT", `missing key ${keyName} for client certificate ${join(dir, n)}`);
        out.cert = readFileSync(join(dir, n), "utf8");
        out.key = readFileSync(join(dir, keyName), "utf8");
      }
    }
  }
  return out;
}
