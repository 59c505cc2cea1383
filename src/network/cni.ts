// Calling CNI plugins as the CNI specification describes: the plugin binary is found on CNI_PATH, the
// operation and its parameters go in CNI_* environment variables, the network configuration goes on stdin
// (with `name`, `cniVersion`, `runtimeConfig` and, for chained plugins, `prevResult`), the result or an error
// object comes back on stdout. A configuration list runs ADD in order and DEL in reverse order.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { HoistError } from "../errors.ts";
import { trace } from "../runtime/trace.ts";

/** Where the plugins are looked for: $CNI_PATH (colon-separated, as the CNI tools take it), else the usual
 * places (Debian's package, the upstream tarball's, Fedora's). */
export const CNI_DIRS = process.env.CNI_PATH
  ? process.env.CNI_PATH.split(":").filter(Boolean)
  : ["/usr/lib/cni", "/opt/cni/bin", "/usr/libexec/cni"];

export interface PluginConf {
  type: string;
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

export interface ConfList {
  cniVersion: string;
  name: string;
  plugins: PluginConf[];
}

export interface Attachment {
  containerId: string;
  netns: string;
  ifName: string;
  /** Capability arguments (e.g. portMappings), given to the plugins that declare the capability. */
  runtimeConfig?: Record<string, unknown>;
}

/** The first directory holding every plugin named. */
function pluginDir(types: string[]): string | undefined {
  return CNI_DIRS.find((d) => types.every((t) => existsSync(`${d}/${t}`)));
}

/** The first directory holding every plugin named, or an error that says which package to install. */
export function findPluginDir(types: string[]): string {
  const dir = pluginDir(types);
  if (dir) return dir;
  throw new HoistError(
    "UNSUPPORTED",
    `CNI plugins (${types.join(", ")}) not found: install the containernetworking-plugins package`,
    { exitCode: 125 },
  );
}

/** The plugins every hoist bridge network runs. */
export const BRIDGE_PLUGINS = ["bridge", "host-local", "portmap", "firewall", "loopback"];

/** One line naming the package when the bridge network's plugins are missing: "`what` needs …`hint`". */
export function requireBridgePlugins(what: string, o: { hint?: string; exitCode?: number } = {}): void {
  if (pluginDir(BRIDGE_PLUGINS)) return;
  const msg = `${what} needs the CNI plugins: install the containernetworking-plugins package${o.hint ?? ""}`;
  throw new HoistError("UNSUPPORTED", msg, { exitCode: o.exitCode ?? 125 });
}

function execPlugin(dir: string, command: string, a: Attachment, conf: object): Promise<unknown> {
  const env = {
    PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
    CNI_COMMAND: command,
    CNI_CONTAINERID: a.containerId,
    CNI_NETNS: a.netns,
    CNI_IFNAME: a.ifName,
    CNI_PATH: dir,
  };
  const type = (conf as PluginConf).type;
  return new Promise((resolve, reject) => {
    const child = spawn(`${dir}/${type}`, [], { env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => {
      trace(`cni ${type} ${command} ${a.ifName} done`);
      const text = Buffer.concat(out).toString();
      let parsed: unknown;
      try {
        parsed = text.trim() ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      if (code === 0) return resolve(parsed);
      const e = parsed as { msg?: string; details?: string } | undefined;
      const msg = e?.msg ? `${e.msg}${e.details ? `: ${e.details}` : ""}` : Buffer.concat(err).toString().trim();
      reject(new HoistError("RUNTIME", `CNI plugin ${type} ${command}: ${msg || `exit ${code}`}`));
    });
    child.stdin.end(JSON.stringify(conf));
  });
}

function pluginConf(list: ConfList, p: PluginConf, a: Attachment, prevResult: unknown): object {
  const rc: Record<string, unknown> = {};
  for (const [k, on] of Object.entries(p.capabilities ?? {}))
    if (on && a.runtimeConfig?.[k] !== undefined) rc[k] = a.runtimeConfig[k];
  return {
    ...p,
    cniVersion: list.cniVersion,
    name: list.name,
    ...(Object.keys(rc).length ? { runtimeConfig: rc } : {}),
    ...(prevResult !== undefined ? { prevResult } : {}),
  };
}

/** ADD every plugin of the list in order; the last result is the attachment's result. `progress` gets each
 * plugin's result as it comes, so a crash part-way still leaves DEL the latest one to undo with. */
export async function addNetworkList(
  list: ConfList,
  a: Attachment,
  progress?: (result: unknown) => void,
): Promise<unknown> {
  const dir = findPluginDir(list.plugins.map((p) => p.type));
  let result: unknown;
  for (const p of list.plugins) {
    result = await execPlugin(dir, "ADD", a, pluginConf(list, p, a, result));
    progress?.(result);
  }
  return result;
}

/** DEL every plugin in reverse order with the cached ADD result; keeps going past errors, then reports them. */
export async function delNetworkList(list: ConfList, a: Attachment, cached: unknown): Promise<void> {
  const dir = findPluginDir(list.plugins.map((p) => p.type));
  const errors: string[] = [];
  for (const p of [...list.plugins].reverse())
    await execPlugin(dir, "DEL", a, pluginConf(list, p, a, cached)).catch((e: Error) => errors.push(e.message));
  if (errors.length) throw new HoistError("RUNTIME", errors.join("; "));
}
