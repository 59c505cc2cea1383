// hoist's entry point: global flags, the lazy command table, errors → messages and exit codes.
import { HoistError, UsageError } from "../errors.ts";
import type { CommandModule, Context, Io } from "./command.ts";
import { helpText, parseFlags } from "./flags.ts";
import { defaultRoot } from "./root.ts";
import { trace } from "../runtime/trace.ts";
import { enableCompileCache } from "node:module";

// V8's code cache for the command chunks, kept beside the bundle: about 10 ms less start-up per command.
try {
  enableCompileCache(new URL("./.compile-cache", import.meta.url).pathname);
} catch {
  /* a read-only install: start without it */
}

type Loader = () => Promise<CommandModule>;

/** Every command path → its module, loaded only when that command runs. */
const commands: Record<string, Loader> = {
  images: () => import("./commands/images.ts"),
  "image ls": () => import("./commands/images.ts"),
  "image list": () => import("./commands/images.ts"),
  import: () => import("./commands/import.ts"),
  "image import": () => import("./commands/import.ts"),
  tag: () => import("./commands/tag.ts"),
  "image tag": () => import("./commands/tag.ts"),
  rmi: () => import("./commands/rmi.ts"),
  "image rm": () => import("./commands/rmi.ts"),
  "image remove": () => import("./commands/rmi.ts"),
  inspect: () => import("./commands/inspect.ts"),
  "image inspect": () => import("./commands/inspect.ts"),
  history: () => import("./commands/history.ts"),
  "image history": () => import("./commands/history.ts"),
  save: () => import("./commands/save.ts"),
  "image save": () => import("./commands/save.ts"),
  load: () => import("./commands/load.ts"),
  "image load": () => import("./commands/load.ts"),
  "image prune": () => import("./commands/image-prune.ts"),
  "system df": () => import("./commands/system-df.ts"),
  "system prune": () => import("./commands/system-prune.ts"),
  "system check": () => import("./commands/system-check.ts"),
  "system info": () => import("./commands/info.ts"),
  info: () => import("./commands/info.ts"),
  version: () => import("./commands/version.ts"),
  "registry serve": () => import("./commands/registry-serve.ts"),
  "registry gc": () => import("./commands/registry-gc.ts"),
  pull: () => import("./commands/pull.ts"),
  "image pull": () => import("./commands/pull.ts"),
  push: () => import("./commands/push.ts"),
  "image push": () => import("./commands/push.ts"),
  login: () => import("./commands/login.ts"),
  logout: () => import("./commands/logout.ts"),
  search: () => import("./commands/search.ts"),
  build: () => import("./commands/build.ts"),
  "image build": () => import("./commands/build.ts"),
  "builder prune": () => import("./commands/builder-prune.ts"),
  // containers
  run: () => import("./commands/run.ts"),
  "container run": () => import("./commands/run.ts"),
  create: () => import("./commands/create.ts"),
  "container create": () => import("./commands/create.ts"),
  start: () => import("./commands/start.ts"),
  "container start": () => import("./commands/start.ts"),
  stop: () => import("./commands/stop.ts"),
  "container stop": () => import("./commands/stop.ts"),
  kill: () => import("./commands/kill.ts"),
  "container kill": () => import("./commands/kill.ts"),
  restart: () => import("./commands/restart.ts"),
  "container restart": () => import("./commands/restart.ts"),
  wait: () => import("./commands/wait.ts"),
  "container wait": () => import("./commands/wait.ts"),
  pause: () => import("./commands/pause.ts"),
  "container pause": () => import("./commands/pause.ts"),
  unpause: () => import("./commands/unpause.ts"),
  "container unpause": () => import("./commands/unpause.ts"),
  rm: () => import("./commands/rm.ts"),
  "container rm": () => import("./commands/rm.ts"),
  "container remove": () => import("./commands/rm.ts"),
  ps: () => import("./commands/ps.ts"),
  "container ls": () => import("./commands/ps.ts"),
  "container list": () => import("./commands/ps.ts"),
  "container ps": () => import("./commands/ps.ts"),
  logs: () => import("./commands/logs.ts"),
  "container logs": () => import("./commands/logs.ts"),
  attach: () => import("./commands/attach.ts"),
  "container attach": () => import("./commands/attach.ts"),
  exec: () => import("./commands/exec.ts"),
  "container exec": () => import("./commands/exec.ts"),
  top: () => import("./commands/top.ts"),
  "container top": () => import("./commands/top.ts"),
  stats: () => import("./commands/stats.ts"),
  "container stats": () => import("./commands/stats.ts"),
  port: () => import("./commands/port.ts"),
  "container port": () => import("./commands/port.ts"),
  "container inspect": () => import("./commands/container-inspect.ts"),
  "container prune": () => import("./commands/container-prune.ts"),
  "network create": () => import("./commands/network-create.ts"),
  "network ls": () => import("./commands/network-ls.ts"),
  "network list": () => import("./commands/network-ls.ts"),
  "network inspect": () => import("./commands/network-inspect.ts"),
  "network rm": () => import("./commands/network-rm.ts"),
  "network remove": () => import("./commands/network-rm.ts"),
  "network prune": () => import("./commands/network-prune.ts"),
  "network connect": () => import("./commands/network-connect.ts"),
  "network disconnect": () => import("./commands/network-disconnect.ts"),
  "volume create": () => import("./commands/volume-create.ts"),
  "volume ls": () => import("./commands/volume-ls.ts"),
  "volume list": () => import("./commands/volume-ls.ts"),
  "volume inspect": () => import("./commands/volume-inspect.ts"),
  "volume rm": () => import("./commands/volume-rm.ts"),
  "volume remove": () => import("./commands/volume-rm.ts"),
  "volume prune": () => import("./commands/volume-prune.ts"),
  diff: () => import("./commands/diff.ts"),
  "container diff": () => import("./commands/diff.ts"),
  export: () => import("./commands/export.ts"),
  "container export": () => import("./commands/export.ts"),
  cp: () => import("./commands/cp.ts"),
  "container cp": () => import("./commands/cp.ts"),
  commit: () => import("./commands/commit.ts"),
  "container commit": () => import("./commands/commit.ts"),
};

const groups: Record<string, string> = {
  image: "Manage images",
  system: "Manage Hoist",
  container: "Manage containers",
  registry: "Run and maintain a registry server",
  builder: "Manage builds",
  network: "Manage networks",
  volume: "Manage volumes",
};

const globalHelp = `
Usage:  hoist [OPTIONS] COMMAND

A daemonless container image engine

Common Commands:
  run         Create and run a new container from an image
  exec        Execute a command in a running container
  ps          List containers
  build       Build an image from a Dockerfile
  pull        Download an image from a registry
  push        Upload an image to a registry
  images      List images
  import      Import the contents from a tarball to create a filesystem image
  inspect     Return low-level information on images
  history     Show the history of an image
  tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
  rmi         Remove one or more images
  save        Save one or more images to a tar archive
  load        Load an image from a tar archive or STDIN
  version     Show the Hoist version information
  info        Display system-wide information
  login       Authenticate to a registry
  logout      Log out from a registry
  search      Search Docker Hub (or a registry's catalog) for images

Container Commands:
  create      Create a new container
  start       Start one or more stopped containers
  stop        Stop one or more running containers
  restart     Restart one or more containers
  kill        Kill one or more running containers
  rm          Remove one or more containers
  attach      Attach local standard input, output, and error streams to a running container
  logs        Fetch the logs of a container
  wait        Block until one or more containers stop, then print their exit codes
  pause       Pause all processes within one or more containers
  unpause     Unpause all processes within one or more containers
  top         Display the running processes of a container
  stats       Display a live stream of container(s) resource usage statistics
  port        List port mappings or a specific mapping for the container
  diff        Inspect changes to files or directories on a container's filesystem
  cp          Copy files/folders between a container and the local filesystem
  export      Export a container's filesystem as a tar archive
  commit      Create a new image from a container's changes

Management Commands:
${Object.entries(groups)
  .map(([g, d]) => `  ${g.padEnd(12)}${d}`)
  .join("\n")}

Global Options:
      --root string   Store root directory (default "/var/lib/hoist" for root, $XDG_DATA_HOME/hoist otherwise; env HOIST_ROOT)
  -D, --debug         Enable debug mode (stack traces on errors)
  -v, --version       Print version information and quit
  -h, --help          Print usage

Run 'hoist COMMAND --help' for more information on a command.
`;

function makeIo(): Io {
  // The standard streams on first use: making one costs milliseconds (stdin most), and a command such as
  // `run --rm IMAGE true` never needs them.
  let stdout: NodeJS.WriteStream | undefined;
  const out = (): NodeJS.WriteStream => {
    if (stdout) return stdout;
    stdout = process.stdout;
    stdout.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(0);
      throw e;
    });
    return stdout;
  };
  return {
    get stdout() {
      return out();
    },
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    out: (t) => void out().write(t),
    err: (t) => void process.stderr.write(t),
    get isTTY() {
      return Boolean(out().isTTY);
    },
  };
}

interface Globals {
  root?: string;
  debug: boolean;
  rest: string[];
}

function parseGlobals(argv: string[]): Globals {
  const g: Globals = { debug: false, rest: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--root" || a === "-root") {
      const v = argv[++i];
      if (v === undefined) throw new UsageError("flag needs an argument: --root", "");
      g.root = v;
    } else if (a.startsWith("--root=")) g.root = a.slice(7);
    else if (a === "-D" || a === "--debug") g.debug = true;
    else if (a === "-v" || a === "--version") return { ...g, rest: ["version", "--short-banner"] };
    else if (a.startsWith("-") && a !== "-h" && a !== "--help") throw new UsageError(`unknown flag: ${a}`, "");
    else break;
  }
  g.rest = argv.slice(i);
  return g;
}

function findCommand(words: string[]): { path: string; loader: Loader; rest: string[] } | undefined {
  const first = words[0];
  const second = words[1];
  if (first !== undefined && second !== undefined && commands[`${first} ${second}`])
    return { path: `${first} ${second}`, loader: commands[`${first} ${second}`] as Loader, rest: words.slice(2) };
  if (first !== undefined && commands[first])
    return { path: first, loader: commands[first] as Loader, rest: words.slice(1) };
  return undefined;
}

function groupHelp(group: string): string {
  const subs = Object.keys(commands)
    .filter((c) => c.startsWith(`${group} `))
    .map((c) => c.slice(group.length + 1));
  return `\nUsage:  hoist ${group} COMMAND\n\n${groups[group]}\n\nCommands:\n${subs.map((s) => `  ${s}`).join("\n")}\n\nRun 'hoist ${group} COMMAND --help' for more information on a command.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const io = makeIo();
  let debug = false;
  let commandPath = "";
  try {
    const g = parseGlobals(argv);
    debug = g.debug;
    const words = g.rest;
    if (words.length === 0 || words[0] === "--help" || words[0] === "-h" || words[0] === "help") {
      io.out(globalHelp);
      return 0;
    }
    const found = findCommand(words);
    if (!found) {
      const first = words[0] as string;
      if (groups[first]) {
        const sub = words[1];
        if (sub === undefined || sub === "--help" || sub === "-h") {
          io.out(groupHelp(first));
          return 0;
        }
        io.err(`hoist: '${first} ${sub}' is not a hoist command.\nSee 'hoist ${first} --help'\n`);
        return 1;
      }
      io.err(`hoist: '${first}' is not a hoist command.\nSee 'hoist --help'\n`);
      return 1;
    }
    commandPath = found.path;
    trace(`main: ${found.path}`);
    const mod = await found.loader();
    trace("main: command loaded");
    const { args, flags } = parseFlags(mod.spec, found.rest, found.path);
    if (flags.bool("help")) {
      io.out(helpText(mod.spec));
      return 0;
    }
    checkArgs(mod, found.path, args.length);
    const controller = new AbortController();
    const onSignal = (): void => controller.abort(new HoistError("INTERNAL", "interrupted"));
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    const ctx: Context = {
      io,
      command: found.path,
      root: g.root ?? process.env.HOIST_ROOT ?? defaultRoot(),
      env: process.env,
      signal: controller.signal,
      debug,
    };
    const code = await mod.run(ctx, args, flags);
    return code ?? 0;
  } catch (e) {
    return reportError(io, e, commandPath, debug);
  }
}

function checkArgs(mod: CommandModule, path: string, n: number): void {
  const a = mod.spec.args;
  if (!a) return;
  let want: string | undefined;
  if (a.exact !== undefined && n !== a.exact) want = `exactly ${a.exact} argument${a.exact === 1 ? "" : "s"}`;
  else if (a.min !== undefined && n < a.min) want = `at least ${a.min} argument${a.min === 1 ? "" : "s"}`;
  else if (a.max !== undefined && n > a.max)
    want = a.max === 0 ? "no arguments" : `at most ${a.max} argument${a.max === 1 ? "" : "s"}`;
  if (want === undefined) return;
  const err = new HoistError(
    "INVALID_ARGUMENT",
    `"hoist ${path}" ${want === "no arguments" ? "accepts no arguments" : `requires ${want}`}.\nSee 'hoist ${path} --help'.\n\nUsage:  hoist ${mod.spec.usage}\n\n${mod.spec.description}`,
  );
  throw Object.assign(err, { plain: true });
}

function reportError(io: Io, e: unknown, path: string, debug: boolean): number {
  if (e instanceof UsageError) {
    io.err(
      `${e.message}\nSee 'hoist ${e.command || path}${e.command || path ? " " : ""}--help'.\n`.replace(
        "hoist  --help",
        "hoist --help",
      ),
    );
    return e.exitCode;
  }
  if (e instanceof HoistError) {
    io.err((e as HoistError & { plain?: boolean }).plain ? `${e.message}\n` : `Error: ${e.message}\n`);
    if (debug && e.cause) io.err(`${String((e.cause as Error).stack ?? e.cause)}\n`);
    return e.exitCode;
  }
  const err = e as Error;
  io.err(`Error: ${err?.message ?? String(e)}\n`);
  if (debug) io.err(`${err?.stack ?? ""}\n`);
  return 1;
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
