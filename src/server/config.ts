// The registry server's configuration: defaults, a YAML or JSON file, and flag overrides, resolved into one value.
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { HoistError } from "../errors.ts";
import type { AccessRule } from "./auth/index.ts";
import { Htpasswd, createAuthenticator, keyFromPem, keyFromSecret } from "./auth/index.ts";
import type { JwtKey } from "./auth/index.ts";
import type { Limits, Registry } from "./context.ts";
import { defaultLimits } from "./context.ts";
import type { Level } from "./log.ts";
import { FilesystemDriver } from "./storage/filesystem.ts";
import { createStore } from "./store/index.ts";
import { parseYaml } from "./yaml.ts";
import { defaultWorkers } from "./cluster.ts";

export interface TokenConfig {
  /** Where clients get tokens; default: this server's /token. */
  realm?: string;
  service: string;
  issuer: string;
  /** PEM file of an RSA or P-256 private key (RS256/ES256), or a public key/certificate to only verify tokens. */
  key?: string;
  /** HS256 shared secret, instead of a key file. */
  secret?: string;
  /** Token lifetime in seconds. */
  expiry: number;
}

export interface RegistryConfig {
  addr: string;
  /** Server processes sharing the port and the storage (node:cluster); 1 serves from this process alone. */
  workers: number;
  root: string;
  fsync: boolean;
  tls?: { cert: string; key: string };
  auth: {
    type: "none" | "htpasswd" | "token";
    htpasswd?: string;
    realm: string;
    token: TokenConfig;
    access: AccessRule[];
  };
  limits: Limits;
  deleteEnabled: boolean;
  readOnly: boolean;
  log: { level: Level; access: boolean };
  gc: { gracePeriodSeconds: number; uploadPurgeAgeSeconds: number };
}

export function defaultConfig(root: string): RegistryConfig {
  return {
    addr: ":5000",
    workers: defaultWorkers(),
    root,
    fsync: true,
    auth: {
      type: "none",
      realm: "hoist-registry",
      token: { service: "hoist-registry", issuer: "hoist-registry", expiry: 300 },
      access: [],
    },
    limits: { ...defaultLimits },
    deleteEnabled: true,
    readOnly: false,
    log: { level: "info", access: true },
    gc: { gracePeriodSeconds: 3600, uploadPurgeAgeSeconds: 7 * 86400 },
  };
}

function bad(message: string): HoistError {
  return new HoistError("INVALID_ARGUMENT", `registry config: ${message}`, { exitCode: 125 });
}

const sizeUnits: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gib: 1024 ** 3,
  t: 1e12,
  tb: 1e12,
  tib: 1024 ** 4,
};

/** `4MiB`, `10GB`, `512` (bytes). */
export function parseSize(v: unknown, what: string): number {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
  const m = typeof v === "string" ? /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(v) : null;
  const unit = sizeUnits[(m?.[2] ?? "").toLowerCase()];
  if (!m || unit === undefined) throw bad(`${what}: invalid size ${JSON.stringify(v)}`);
  return Math.floor(Number(m[1]) * unit);
}

const durationUnits: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** `1h30m`, `300s`, `2d`, or a number of seconds. */
export function parseDuration(v: unknown, what: string): number {
  if (typeof v === "number" && v >= 0) return v;
  if (typeof v === "string" && /^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  if (typeof v !== "string" || !/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(v.trim()))
    throw bad(`${what}: invalid duration ${JSON.stringify(v)}`);
  let total = 0;
  for (const m of v.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g))
    total += Number(m[1]) * (durationUnits[m[2] as string] as number);
  return total;
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw bad(`${what} must be a map`);
  return v as Record<string, unknown>;
}

function str(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw bad(`${what} must be a string`);
  return v;
}

function bool(v: unknown, what: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw bad(`${what} must be true or false`);
  return v;
}

function strings(v: unknown, what: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const list = Array.isArray(v) ? v : [v];
  if (!list.every((x) => typeof x === "string")) throw bad(`${what} must be a list of strings`);
  return list as string[];
}

function checkKeys(o: Record<string, unknown>, allowed: string[], what: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw bad(`unknown key ${what}${k}`);
}

/** Reads a YAML or JSON config file. */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new HoistError("INVALID_ARGUMENT", `cannot read registry config ${path}: ${(e as Error).message}`, {
      cause: e,
      exitCode: 125,
    });
  }
  try {
    return path.endsWith(".json") || text.trimStart().startsWith("{") ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw bad(`${path}: ${(e as Error).message}`);
  }
}

/** Applies a parsed config file on top of a config (unknown keys are errors, so typos do not pass silently). */
export function applyConfig(base: RegistryConfig, raw: unknown): RegistryConfig {
  const c: RegistryConfig = structuredClone(base);
  const doc = obj(raw, "the config");
  checkKeys(
    doc,
    ["addr", "workers", "root", "storage", "tls", "auth", "limits", "delete", "readOnly", "log", "gc"],
    "",
  );
  c.addr = str(doc.addr, "addr") ?? c.addr;
  c.root = str(doc.root, "root") ?? c.root;
  if (doc.workers !== undefined && doc.workers !== null) c.workers = parseWorkers(doc.workers, "workers");
  const storage = obj(doc.storage, "storage");
  checkKeys(storage, ["driver", "root", "fsync"], "storage.");
  const driver = str(storage.driver, "storage.driver");
  if (driver !== undefined && driver !== "filesystem")
    throw bad(`storage.driver ${driver} is not supported (only filesystem)`);
  c.root = str(storage.root, "storage.root") ?? c.root;
  c.fsync = bool(storage.fsync, "storage.fsync") ?? c.fsync;
  if (doc.tls !== undefined && doc.tls !== null) {
    const tls = obj(doc.tls, "tls");
    checkKeys(tls, ["cert", "key"], "tls.");
    const cert = str(tls.cert, "tls.cert");
    const key = str(tls.key, "tls.key");
    if (!cert || !key) throw bad("tls needs both cert and key");
    c.tls = { cert, key };
  }
  const auth = obj(doc.auth, "auth");
  checkKeys(auth, ["type", "htpasswd", "realm", "token", "access"], "auth.");
  const type = str(auth.type, "auth.type");
  if (type !== undefined) {
    if (type !== "none" && type !== "htpasswd" && type !== "token")
      throw bad(`auth.type must be none, htpasswd or token`);
    c.auth.type = type;
  }
  const htpasswd = str(auth.htpasswd, "auth.htpasswd");
  if (htpasswd !== undefined) c.auth.htpasswd = htpasswd;
  c.auth.realm = str(auth.realm, "auth.realm") ?? c.auth.realm;
  const token = obj(auth.token, "auth.token");
  checkKeys(token, ["realm", "service", "issuer", "key", "secret", "expiry"], "auth.token.");
  for (const k of ["realm", "key", "secret"] as const) {
    const v = str(token[k], `auth.token.${k}`);
    if (v !== undefined) c.auth.token[k] = v;
  }
  c.auth.token.service = str(token.service, "auth.token.service") ?? c.auth.token.service;
  c.auth.token.issuer = str(token.issuer, "auth.token.issuer") ?? c.auth.token.issuer;
  if (token.expiry !== undefined) c.auth.token.expiry = parseDuration(token.expiry, "auth.token.expiry");
  if (auth.access !== undefined && auth.access !== null) {
    if (!Array.isArray(auth.access)) throw bad("auth.access must be a list of rules");
    c.auth.access = auth.access.map((r, i) => {
      const o = obj(r, `auth.access[${i}]`);
      checkKeys(o, ["repository", "pull", "push", "delete"], `auth.access[${i}].`);
      const repository = str(o.repository, `auth.access[${i}].repository`);
      if (!repository) throw bad(`auth.access[${i}] needs a repository pattern`);
      const rule: AccessRule = { repository };
      for (const k of ["pull", "push", "delete"] as const) {
        const v = strings(o[k], `auth.access[${i}].${k}`);
        if (v) rule[k] = v;
      }
      return rule;
    });
  }
  const limits = obj(doc.limits, "limits");
  checkKeys(limits, ["maxManifestSize", "maxBlobSize", "maxPageSize", "maxTagParams"], "limits.");
  for (const k of ["maxManifestSize", "maxBlobSize", "maxPageSize", "maxTagParams"] as const)
    if (limits[k] !== undefined) c.limits[k] = parseSize(limits[k], `limits.${k}`);
  if (doc.delete !== undefined) {
    const d = typeof doc.delete === "object" ? obj(doc.delete, "delete").enabled : doc.delete;
    c.deleteEnabled = bool(d, "delete") ?? c.deleteEnabled;
  }
  c.readOnly = bool(doc.readOnly, "readOnly") ?? c.readOnly;
  const log = obj(doc.log, "log");
  checkKeys(log, ["level", "access"], "log.");
  const level = str(log.level, "log.level");
  if (level !== undefined) {
    if (!["debug", "info", "warn", "error"].includes(level)) throw bad("log.level must be debug, info, warn or error");
    c.log.level = level as Level;
  }
  c.log.access = bool(log.access, "log.access") ?? c.log.access;
  const gc = obj(doc.gc, "gc");
  checkKeys(gc, ["gracePeriod", "uploadPurgeAge"], "gc.");
  if (gc.gracePeriod !== undefined) c.gc.gracePeriodSeconds = parseDuration(gc.gracePeriod, "gc.gracePeriod");
  if (gc.uploadPurgeAge !== undefined)
    c.gc.uploadPurgeAgeSeconds = parseDuration(gc.uploadPurgeAge, "gc.uploadPurgeAge");
  return c;
}

/** A worker count: a positive integer, or "auto" (one per core, at most four). */
export function parseWorkers(v: unknown, what: string): number {
  if (v === "auto") return defaultWorkers();
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 64) throw bad(`${what} must be "auto" or 1..64`);
  return n;
}

/** `:5000`, `0.0.0.0:5000`, `[::1]:5000`, `5000` → host and port ("" host: all interfaces). */
export function parseAddr(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr) ?? /^()()(\d+)$/.exec(addr);
  const port = Number(m?.[3]);
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) throw bad(`invalid address ${JSON.stringify(addr)}`);
  return { host: m[1] ?? m[2] ?? "", port };
}

export interface OpenedRegistry {
  registry: Registry;
  /** Things the operator should know (an ephemeral token key, say). */
  warnings: string[];
}

function tokenKey(t: TokenConfig, warnings: string[]): JwtKey {
  if (t.secret !== undefined) return keyFromSecret(t.secret);
  if (t.key !== undefined) {
    try {
      return keyFromPem(readFileSync(t.key, "utf8"));
    } catch (e) {
      throw bad(`auth.token.key ${t.key}: ${(e as Error).message}`);
    }
  }
  warnings.push("auth.token.key is not set: tokens are signed with a key made at startup and die with this process");
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return keyFromPem(privateKey.export({ type: "pkcs8", format: "pem" }) as string);
}

/** Builds the registry (storage, store, authentication) a config describes. */
export function openRegistry(c: RegistryConfig): OpenedRegistry {
  const warnings: string[] = [];
  const driver = new FilesystemDriver(c.root, { fsync: c.fsync });
  const store = createStore(driver, { maxBlobSize: c.limits.maxBlobSize });
  let users: Htpasswd | undefined;
  if (c.auth.htpasswd !== undefined) {
    try {
      users = Htpasswd.fromFile(c.auth.htpasswd);
    } catch (e) {
      throw bad(`auth.htpasswd ${c.auth.htpasswd}: ${(e as Error).message}`);
    }
  }
  if (c.auth.type === "htpasswd" && !users)
    throw bad("auth.type htpasswd needs auth.htpasswd (a file of bcrypt entries)");
  const key = c.auth.type === "token" ? tokenKey(c.auth.token, warnings) : undefined;
  const tokenSettings = key
    ? {
        key,
        service: c.auth.token.service,
        issuer: c.auth.token.issuer,
        expiry: c.auth.token.expiry,
        ...(c.auth.token.realm !== undefined ? { realm: c.auth.token.realm } : {}),
      }
    : undefined;
  const auth = createAuthenticator({
    type: c.auth.type,
    realm: c.auth.realm,
    access: c.auth.access,
    ...(users ? { htpasswd: users } : {}),
    ...(tokenSettings ? { token: tokenSettings } : {}),
  });
  // The built-in token service runs whenever this server holds a signing key (not with a verify-only public key).
  const issuesTokens = tokenSettings !== undefined && key?.signing !== undefined;
  if (tokenSettings && issuesTokens && !users)
    warnings.push("token auth without auth.htpasswd: only anonymous tokens can be issued");
  const registry: Registry = {
    store,
    auth,
    limits: c.limits,
    token: issuesTokens ? { settings: tokenSettings, users, policy: auth.policy } : undefined,
    deleteEnabled: c.deleteEnabled,
    readOnly: c.readOnly,
  };
  return { registry, warnings };
}
