// Credentials per registry, found as docker and podman find them: credHelpers, then credsStore, then `auths`
// (podman's per-repository keys first); saved and erased the same ways.
import type { Credentials } from "../http/index.ts";
import { decodeAuth, encodeAuth, readConfigFile, readPaths, writeConfigFile, writePath } from "./config-file.ts";
import type { AuthEntry, AuthFileOptions, ConfigFile } from "./config-file.ts";
import { helperErase, helperGet, helperStore } from "./helper.ts";
import { DOCKER_HUB_KEY, convertToHostname, isDockerHub } from "./server.ts";

const TOKEN_USER = "<token>";

/** The key credentials for `registry` (a domain as references name it: docker.io, localhost:5000) live under. */
export function keyForRegistry(registry: string): string {
  return isDockerHub(registry) ? DOCKER_HUB_KEY : registry;
}

function sameRegistry(key: string, registry: string): boolean {
  if (isDockerHub(registry)) return isDockerHub(key);
  return convertToHostname(key) === registry;
}

function helperFor(config: ConfigFile, registry: string): string | undefined {
  const helpers = config.credHelpers ?? {};
  const key = keyForRegistry(registry);
  const direct = helpers[key] ?? helpers[registry];
  if (direct) return direct;
  for (const [k, v] of Object.entries(helpers)) if (sameRegistry(k, registry)) return v;
  return config.credsStore || undefined;
}

function entryCredentials(e: AuthEntry): Credentials | undefined {
  const out: Credentials = {};
  if (typeof e.auth === "string" && e.auth !== "") {
    const d = decodeAuth(e.auth);
    if (d) {
      out.username = d.username;
      out.password = d.password;
    }
  }
  if (typeof e.username === "string" && e.username !== "") out.username = e.username;
  if (typeof e.password === "string" && e.password !== "") out.password = e.password;
  if (typeof e.identitytoken === "string" && e.identitytoken !== "") {
    out.identityToken = e.identitytoken;
    delete out.password;
  }
  if (typeof e.registrytoken === "string" && e.registrytoken !== "") out.registryToken = e.registrytoken;
  if (out.password === "" && !out.identityToken) delete out.password;
  return out.password !== undefined || out.identityToken || out.registryToken ? out : undefined;
}

/** The `auths` entry for a registry (and repository, for podman's namespaced keys). */
function findEntry(config: ConfigFile, registry: string, repoPath?: string): AuthEntry | undefined {
  const auths = config.auths ?? {};
  if (repoPath) {
    const parts = repoPath.split("/");
    for (let n = parts.length; n > 0; n--) {
      const e = auths[`${registry}/${parts.slice(0, n).join("/")}`];
      if (e) return e;
    }
  }
  const exact = auths[keyForRegistry(registry)] ?? auths[registry];
  if (exact) return exact;
  for (const [k, v] of Object.entries(auths)) if (sameRegistry(k, registry)) return v;
  return undefined;
}

/** Credentials for a registry, or undefined (anonymous). */
export async function lookupCredentials(
  registry: string,
  options: AuthFileOptions & { repository?: string } = {},
): Promise<Credentials | undefined> {
  const env = options.env ?? process.env;
  for (const path of readPaths(options)) {
    const config = readConfigFile(path);
    const entry = findEntry(config, registry, options.repository);
    const fromEntry = entry ? entryCredentials(entry) : undefined;
    if (fromEntry) return fromEntry;
    const helper = helperFor(config, registry);
    if (helper) {
      const got = await helperGet(helper, keyForRegistry(registry), env);
      if (got)
        return got.Username === TOKEN_USER
          ? { identityToken: got.Secret }
          : { username: got.Username, password: got.Secret };
    }
  }
  return undefined;
}

export interface SaveInput {
  username: string;
  password?: string;
  identityToken?: string;
}

/** Save a login under `key` (see credentialKey). Returns the file written and the helper used, if any. */
export async function saveCredentials(
  key: string,
  input: SaveInput,
  options: AuthFileOptions = {},
): Promise<{ path: string; helper?: string }> {
  const env = options.env ?? process.env;
  const path = writePath(options);
  const config = readConfigFile(path);
  const helper = helperFor(config, isDockerHub(key) ? "docker.io" : key);
  const auths = (config.auths ??= {});
  if (helper) {
    const secret = input.identityToken ?? input.password ?? "";
    await helperStore(
      helper,
      { ServerURL: key, Username: input.identityToken ? TOKEN_USER : input.username, Secret: secret },
      env,
    );
    if (config.credsStore === helper) auths[key] = {};
    else delete auths[key];
  } else {
    const entry: AuthEntry = { auth: encodeAuth(input.username, input.identityToken ? "" : (input.password ?? "")) };
    if (input.identityToken) entry.identitytoken = input.identityToken;
    auths[key] = entry;
  }
  writeConfigFile(path, config);
  return { path, ...(helper ? { helper } : {}) };
}

/** Remove a login; returns whether there was one. */
export async function eraseCredentials(
  key: string,
  options: AuthFileOptions = {},
): Promise<{ removed: boolean; path: string }> {
  const env = options.env ?? process.env;
  const path = writePath(options);
  const config = readConfigFile(path);
  const registry = isDockerHub(key) ? "docker.io" : key;
  let removed = false;
  const helper = helperFor(config, registry);
  if (helper) removed = (await helperErase(helper, key, env)) || removed;
  const auths = config.auths ?? {};
  const doomed = Object.keys(auths).filter(
    (k) => k === key || sameRegistry(k, registry) || k.startsWith(`${registry}/`),
  );
  if (doomed.length > 0) {
    for (const k of doomed) delete auths[k];
    writeConfigFile(path, config);
    removed = true;
  }
  return { removed, path };
}
