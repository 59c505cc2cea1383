// The flags `run` and `create` share, turned into the engine's CreateOptions (checked before anything is made),
// and the image lookup with --pull (docker's "Unable to find image … locally").
import { availableParallelism } from "node:os";
import { HoistError, UsageError } from "../../errors.ts";
import { parseExtraHost, validateDns, validateDnsSearch } from "../../network/index.ts";
import { familiarString, parseNormalizedNamed, toString } from "../../ref/index.ts";
import { Engine } from "../../runtime/engine.ts";
import type { CreateOptions } from "../../runtime/create.ts";
import { envEntry, readEnvFile } from "../../runtime/env.ts";
import { parseMountFlag, parsePublishFlag, parseTmpfsFlag, parseVolumeFlag } from "../../runtime/mount-specs.ts";
import { findImage, type ImageRecord, type MountPoint, type PortBinding, type Store } from "../../store/index.ts";
import type { Context, FlagSpec, ParsedFlags } from "../command.ts";
import { openStore } from "../store.ts";

export function openEngine(ctx: Context): Engine {
  return new Engine(openStore(ctx));
}

export const createFlags: FlagSpec[] = [
  { name: "add-host", type: "strings", valueName: "list", description: "Add a custom host-to-IP mapping (host:ip)" },
  { name: "cap-add", type: "strings", description: "Add Linux capabilities" },
  { name: "cap-drop", type: "strings", description: "Drop Linux capabilities" },
  { name: "cpus", type: "string", valueName: "decimal", description: "Number of CPUs" },
  { name: "dns", type: "strings", valueName: "list", description: "Set custom DNS servers" },
  { name: "dns-option", type: "strings", valueName: "list", description: "Set DNS options" },
  { name: "dns-opt", type: "strings", description: "", hidden: true },
  { name: "dns-search", type: "strings", valueName: "list", description: "Set custom DNS search domains" },
  { name: "entrypoint", type: "string", description: "Overwrite the default ENTRYPOINT of the image" },
  { name: "env", short: "e", type: "strings", description: "Set environment variables" },
  { name: "env-file", type: "strings", description: "Read in a file of environment variables" },
  { name: "expose", type: "strings", description: "Expose a port or a range of ports" },
  { name: "hostname", short: "h", type: "string", description: "Container host name" },
  {
    name: "init",
    type: "bool",
    description: "Run an init inside the container that forwards signals and reaps processes",
  },
  { name: "interactive", short: "i", type: "bool", description: "Keep STDIN open even if not attached" },
  { name: "label", short: "l", type: "strings", description: "Set meta data on a container" },
  { name: "label-file", type: "strings", description: "Read in a line delimited file of labels" },
  { name: "memory", short: "m", type: "string", valueName: "bytes", description: "Memory limit" },
  { name: "mount", type: "strings", valueName: "mount", description: "Attach a filesystem mount to the container" },
  { name: "name", type: "string", description: "Assign a name to the container" },
  {
    name: "network",
    type: "string",
    valueName: "network",
    description: 'Connect a container to a network ("host", "none")',
  },
  { name: "net", type: "string", description: "", hidden: true },
  {
    name: "network-alias",
    type: "strings",
    valueName: "list",
    description: "Add network-scoped alias for the container",
  },
  { name: "net-alias", type: "strings", description: "", hidden: true },
  { name: "pids-limit", type: "int", description: "Tune container pids limit (set -1 for unlimited)" },
  { name: "platform", type: "string", description: "Set platform if server is multi-platform capable" },
  { name: "privileged", type: "bool", description: "Give extended privileges to this container" },
  { name: "publish", short: "p", type: "strings", description: "Publish a container's port(s) to the host" },
  { name: "publish-all", short: "P", type: "bool", description: "Publish all exposed ports to random ports" },
  {
    name: "pull",
    type: "string",
    default: "missing",
    description: 'Pull image before running ("always", "missing", "never")',
  },
  { name: "quiet", short: "q", type: "bool", description: "Suppress the pull output" },
  { name: "read-only", type: "bool", description: "Mount the container's root filesystem as read only" },
  {
    name: "rm",
    type: "bool",
    description: "Automatically remove the container and its associated anonymous volumes when it exits",
  },
  { name: "runtime", type: "string", description: "Runtime to use for this container (runc, crun)" },
  { name: "stop-signal", type: "string", description: "Signal to stop the container" },
  { name: "stop-timeout", type: "int", description: "Timeout (in seconds) to stop a container" },
  { name: "tmpfs", type: "strings", description: "Mount a tmpfs directory" },
  { name: "tty", short: "t", type: "bool", description: "Allocate a pseudo-TTY" },
  { name: "user", short: "u", type: "string", description: "Username or UID (format: <name|uid>[:<group|gid>])" },
  { name: "volume", short: "v", type: "strings", description: "Bind mount a volume" },
  { name: "workdir", short: "w", type: "string", description: "Working directory inside the container" },
];

function usage(message: string): HoistError {
  return new HoistError("INVALID_ARGUMENT", message, { exitCode: 125 });
}

/** docker's RAMInBytes: "512m", "1g", "100000" (binary units). */
export function parseMemory(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgtp]?)b?$/i.exec(s.trim());
  if (!m) throw usage(`invalid argument "${s}" for "-m, --memory" flag: invalid size: '${s}'`);
  const mult =
    { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }[(m[2] ?? "").toLowerCase()] ?? 1;
  return Math.floor(Number(m[1]) * mult);
}

function parseCpus(s: string): number {
  const n = Number(s);
  if (!/^\d*\.?\d+$/.test(s.trim()) || !Number.isFinite(n))
    throw usage(`invalid argument "${s}" for "--cpus" flag: failed to parse ${s} as a rational number`);
  const cpus = availableParallelism();
  if (n > cpus || n < 0.01)
    throw usage(`range of CPUs is from 0.01 to ${cpus.toFixed(2)}, as there are only ${cpus} CPUs available`);
  return Math.round(n * 1e9);
}

/** Each value of a list flag through docker's validator; its error becomes pflag's "invalid argument". */
function validated(flags: ParsedFlags, names: string[], check: (v: string) => string): string[] {
  const out: string[] = [];
  for (const name of names)
    for (const v of flags.strings(name)) {
      try {
        out.push(check(v));
      } catch (e) {
        throw new UsageError(`invalid argument "${v}" for "--${names[0]}" flag: ${(e as Error).message}`);
      }
    }
  return out;
}

/** --add-host, --dns, --dns-search, --dns-option, --network-alias, checked as docker's CLI does. */
export function nameFlags(
  flags: ParsedFlags,
): Pick<CreateOptions, "extraHosts" | "dns" | "dnsSearch" | "dnsOptions" | "aliases"> {
  const extraHosts = validated(flags, ["add-host"], parseExtraHost);
  const dns = validated(flags, ["dns"], validateDns);
  const dnsSearch = validated(flags, ["dns-search"], validateDnsSearch);
  const dnsOptions = [...flags.strings("dns-option"), ...flags.strings("dns-opt")];
  const aliases = [...flags.strings("network-alias"), ...flags.strings("net-alias")];
  return {
    ...(extraHosts.length ? { extraHosts } : {}),
    ...(dns.length ? { dns } : {}),
    ...(dnsSearch.length ? { dnsSearch } : {}),
    ...(dnsOptions.length ? { dnsOptions } : {}),
    ...(aliases.length ? { aliases } : {}),
  };
}

function labels(flags: ParsedFlags, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (l: string): void => {
    const eq = l.indexOf("=");
    if (eq === 0) throw usage(`invalid label: ${l}`);
    out[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? "" : l.slice(eq + 1);
  };
  for (const f of flags.strings("label-file")) for (const l of readEnvFile(f, env)) add(l);
  for (const l of flags.strings("label")) add(l);
  return out;
}

/** Parse everything `run`/`create` take, except the image lookup. Throws before anything is created. */
export function parseCreateFlags(
  ctx: Context,
  flags: ParsedFlags,
  cmd: string[],
): Omit<CreateOptions, "image" | "imageName"> {
  const env: string[] = [];
  for (const f of flags.strings("env-file")) env.push(...readEnvFile(f, ctx.env));
  for (const e of flags.strings("env")) {
    const v = envEntry(e, ctx.env);
    if (v !== undefined) env.push(v);
  }
  const mounts: MountPoint[] = [
    ...flags.strings("volume").map(parseVolumeFlag),
    ...flags.strings("mount").map(parseMountFlag),
    ...flags.strings("tmpfs").map(parseTmpfsFlag),
  ];
  const tmpfs: Record<string, string> = {};
  for (const t of flags.strings("tmpfs")) {
    const colon = t.indexOf(":");
    tmpfs[colon < 0 ? t : t.slice(0, colon)] = colon < 0 ? "" : t.slice(colon + 1);
  }
  const portBindings: Record<string, PortBinding[]> = {};
  for (const p of flags.strings("publish"))
    for (const spec of parsePublishFlag(p))
      portBindings[spec.port] = [...(portBindings[spec.port] ?? []), spec.binding];
  const exposed = flags.strings("expose").flatMap((e) => parsePublishFlag(e).map((s) => s.port));
  const stopSignal = flags.string("stop-signal");
  const stopTimeout = flags.int("stop-timeout");
  const memory = flags.string("memory");
  const cpus = flags.string("cpus");
  const pidsLimit = flags.int("pids-limit");
  const network = flags.string("network") ?? flags.string("net");
  const entrypoint = flags.has("entrypoint") ? flags.string("entrypoint") : undefined;
  const platform = flags.string("platform");
  if (platform && !/^linux(\/amd64)?$/.test(platform) && !(process.arch === "arm64" && /^linux\/arm64/.test(platform)))
    throw usage(`image platform ${platform} does not match the host platform`);
  return {
    ...(flags.string("name") !== undefined ? { name: flags.string("name") as string } : {}),
    cmd,
    ...(entrypoint !== undefined ? { entrypoint: entrypoint === "" ? [] : [entrypoint] } : {}),
    env,
    ...(flags.string("workdir") !== undefined ? { workingDir: flags.string("workdir") as string } : {}),
    ...(flags.string("user") !== undefined ? { user: flags.string("user") as string } : {}),
    ...(flags.string("hostname") ? { hostname: flags.string("hostname") as string } : {}),
    labels: labels(flags, ctx.env),
    tty: flags.bool("tty"),
    openStdin: flags.bool("interactive"),
    attachStdin: flags.bool("interactive"),
    attachStdout: true,
    mounts,
    binds: flags.strings("volume"),
    tmpfs,
    ...(network !== undefined ? { networkMode: network } : {}),
    ...nameFlags(flags),
    portBindings,
    publishAll: flags.bool("publish-all"),
    exposedPorts: exposed,
    autoRemove: flags.bool("rm"),
    capAdd: flags.strings("cap-add"),
    capDrop: flags.strings("cap-drop"),
    privileged: flags.bool("privileged"),
    readOnly: flags.bool("read-only"),
    init: flags.bool("init"),
    ...(stopSignal ? { stopSignal } : {}),
    ...(stopTimeout !== undefined ? { stopTimeout } : {}),
    ...(memory ? { memory: parseMemory(memory) } : {}),
    ...(cpus ? { nanoCpus: parseCpus(cpus) } : {}),
    ...(pidsLimit !== undefined ? { pidsLimit } : {}),
    ...(flags.string("runtime") ? { runtime: flags.string("runtime") as string } : {}),
  };
}

/** Find the image, pulling it as --pull says. Pull progress goes to stderr (stdout is the container's). */
export async function imageForRun(ctx: Context, store: Store, ref: string, flags: ParsedFlags): Promise<ImageRecord> {
  const policy = flags.string("pull") ?? "missing";
  if (!["always", "missing", "never"].includes(policy))
    throw usage(`invalid pull option: '${policy}': must be one of "always", "missing" or "never"`);
  let img = findImage(store.state(), ref);
  if (policy === "always" || (!img && policy === "missing")) {
    let named;
    try {
      named = parseNormalizedNamed(ref);
    } catch {
      named = undefined;
    }
    if (named) {
      const tagged = named.tag === undefined && named.digest === undefined ? { ...named, tag: "latest" } : named;
      if (!img) ctx.io.err(`Unable to find image '${familiarString(tagged)}' locally\n`);
      const { pullImage } = await import("./pull.ts");
      const errCtx: Context = {
        ...ctx,
        io: {
          ...ctx.io,
          out: ctx.io.err,
          stdout: ctx.io.stderr,
          isTTY: Boolean((ctx.io.stderr as NodeJS.WriteStream).isTTY),
        },
      };
      try {
        await pullImage(errCtx, store, tagged, { env: ctx.env, quiet: flags.bool("quiet"), signal: ctx.signal });
      } catch (e) {
        if (e instanceof HoistError) throw new HoistError(e.code, e.message, { cause: e, exitCode: 125 });
        throw e;
      }
      img = findImage(store.state(), toString(tagged));
    }
  }
  if (!img) throw new HoistError("NOT_FOUND", `No such image: ${ref}`, { exitCode: 125 });
  return img;
}
