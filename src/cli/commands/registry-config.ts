// The registry commands' shared flags: defaults, then the config file, then flags.
import { join } from "node:path";
import {
  applyConfig,
  defaultConfig,
  parseDuration,
  parseSize,
  parseWorkers,
  readConfigFile,
} from "../../server/index.ts";
import type { RegistryConfig } from "../../server/index.ts";
import { UsageError } from "../../errors.ts";
import type { Context, FlagSpec, ParsedFlags } from "../command.ts";

export const configFlags: FlagSpec[] = [
  { name: "config", short: "c", type: "string", valueName: "file", description: "Registry config file (YAML or JSON)" },
  {
    name: "root",
    type: "string",
    valueName: "dir",
    description: 'Registry storage directory (default "<hoist root>/registry")',
  },
];

/** The config a registry command runs with: defaults < --config file < flags. */
export function resolveConfig(ctx: Context, flags: ParsedFlags, command: string): RegistryConfig {
  let config = defaultConfig(join(ctx.root, "registry"));
  const file = flags.string("config");
  if (file !== undefined) config = applyConfig(config, readConfigFile(file));
  const root = flags.string("root");
  if (root !== undefined) config.root = root;
  try {
    return applyFlags(config, flags);
  } catch (e) {
    throw new UsageError((e as Error).message, command);
  }
}

function applyFlags(c: RegistryConfig, flags: ParsedFlags): RegistryConfig {
  const str = (name: string): string | undefined => (flags.has(name) ? flags.string(name) : undefined);
  const addr = str("addr");
  if (addr !== undefined) c.addr = addr;
  const workers = str("workers");
  if (workers !== undefined) c.workers = parseWorkers(workers, "--workers");
  const cert = str("tls-cert");
  const key = str("tls-key");
  if (cert !== undefined || key !== undefined) {
    if (!cert || !key) throw new Error("--tls-cert and --tls-key go together");
    c.tls = { cert, key };
  }
  const auth = str("auth");
  if (auth !== undefined) {
    if (auth !== "none" && auth !== "htpasswd" && auth !== "token")
      throw new Error(`--auth must be none, htpasswd or token, not ${JSON.stringify(auth)}`);
    c.auth.type = auth;
  }
  const htpasswd = str("htpasswd");
  if (htpasswd !== undefined) {
    c.auth.htpasswd = htpasswd;
    if (auth === undefined && c.auth.type === "none") c.auth.type = "htpasswd";
  }
  for (const [flag, field] of [
    ["token-realm", "realm"],
    ["token-key", "key"],
  ] as const) {
    const v = str(flag);
    if (v !== undefined) c.auth.token[field] = v;
  }
  c.auth.token.service = str("token-service") ?? c.auth.token.service;
  c.auth.token.issuer = str("token-issuer") ?? c.auth.token.issuer;
  const manifest = str("max-manifest-size");
  if (manifest !== undefined) c.limits.maxManifestSize = parseSize(manifest, "--max-manifest-size");
  const blob = str("max-blob-size");
  if (blob !== undefined) c.limits.maxBlobSize = parseSize(blob, "--max-blob-size");
  if (flags.has("read-only")) c.readOnly = flags.bool("read-only");
  if (flags.has("delete")) c.deleteEnabled = flags.bool("delete");
  if (flags.has("access-log")) c.log.access = flags.bool("access-log");
  const level = str("log-level");
  if (level !== undefined) {
    if (!["debug", "info", "warn", "error"].includes(level))
      throw new Error("--log-level must be debug, info, warn or error");
    c.log.level = level as RegistryConfig["log"]["level"];
  }
  const grace = str("grace-period");
  if (grace !== undefined) c.gc.gracePeriodSeconds = parseDuration(grace, "--grace-period");
  const purge = str("upload-purge-age");
  if (purge !== undefined) c.gc.uploadPurgeAgeSeconds = parseDuration(purge, "--upload-purge-age");
  return c;
}
