// docker's config.json ($DOCKER_CONFIG or ~/.docker) and podman's auth.json (--authfile, REGISTRY_AUTH_FILE):
// read leniently, rewritten atomically with mode 0600, keeping every field we do not know.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { HoistError, errnoCode } from "../errors.ts";

export interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
  email?: string;
  [key: string]: unknown;
}

export interface ConfigFile {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [key: string]: unknown;
}

export interface AuthFileOptions {
  /** `--authfile`: used for reading and writing instead of docker's config. */
  authfile?: string;
  env?: NodeJS.ProcessEnv;
}

/** docker's config.json path: $DOCKER_CONFIG/config.json or ~/.docker/config.json. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG || join(env.HOME || homedir(), ".docker");
  return join(dir, "config.json");
}

/** The files credentials are read from, in order: the auth file (flag or REGISTRY_AUTH_FILE), then docker's. */
export function readPaths(options: AuthFileOptions = {}): string[] {
  const env = options.env ?? process.env;
  const authfile = options.authfile || env.REGISTRY_AUTH_FILE;
  if (options.authfile) return [options.authfile];
  return authfile ? [authfile, dockerConfigPath(env)] : [dockerConfigPath(env)];
}

/** The file login and logout change. */
export function writePath(options: AuthFileOptions = {}): string {
  const env = options.env ?? process.env;
  return options.authfile || env.REGISTRY_AUTH_FILE || dockerConfigPath(env);
}

/** The parsed file, or an empty config when it does not exist. */
export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return {};
    throw new HoistError("IO", `reading ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (text.trim() === "") return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not a JSON object");
    return v as ConfigFile;
  } catch (e) {
    throw new HoistError("INVALID_ARGUMENT", `${path}: invalid configuration file: ${(e as Error).message}`);
  }
}

/** Write the config as docker does (tab-indented JSON), atomically, mode 0600; the directory is made 0700. */
export function writeConfigFile(file: string, config: ConfigFile): void {
  let path = file;
  try {
    path = realpathSync(file); // a symlinked config stays a symlink
  } catch {
    /* not there yet */
  }
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${randomBytes(6).toString("hex")}.tmp`);
  const data = Buffer.from(JSON.stringify(config, null, "\t"));
  const fd = openSync(tmp, "wx", 0o600);
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new HoistError("IO", `writing ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const dfd = openSync(dir, "r");
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    /* best effort */
  }
}

/** `auth` (base64 user:password) decoded. */
export function decodeAuth(auth: string): { username: string; password: string } | undefined {
  const text = Buffer.from(auth, "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon < 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1).replace(/\0+$/, "") };
}

export function encodeAuth(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, "utf8").toString("base64");
}
