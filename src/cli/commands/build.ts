// hoist build [OPTIONS] PATH | -   (also `image build`): a Dockerfile build, with BuildKit's progress output.
import fs from "node:fs";
import { HoistError, isHoistError } from "../../errors.ts";
import { build, loadContext, type BuildEvent, type BuildResult } from "../../build/index.ts";
import { parseNormalizedNamed, toString, withTag } from "../../ref/index.ts";
import { findImage, normalizeTagged, type ImageRecord, type Store } from "../../store/index.ts";
import type { CommandModule, Context, Io, ParsedFlags } from "../command.ts";
import { openStore } from "../store.ts";

export const spec: CommandModule["spec"] = {
  name: "build",
  aliases: ["image build"],
  usage: "build [OPTIONS] PATH | -",
  description: "Build an image from a Dockerfile",
  flags: [
    { name: "build-arg", type: "strings", description: "Set build-time variables" },
    { name: "file", short: "f", type: "string", description: 'Name of the Dockerfile (default: "PATH/Dockerfile")' },
    { name: "iidfile", type: "string", description: "Write the image ID to the file" },
    { name: "label", type: "strings", description: "Set metadata for an image" },
    {
      name: "network",
      type: "string",
      default: "default",
      description:
        'Set the networking mode for the RUN instructions during build ("default", "host", "none", or a network)',
    },
    { name: "no-cache", type: "bool", description: "Do not use cache when building the image" },
    { name: "platform", type: "string", description: "Set target platform for build (only the native platform)" },
    {
      name: "progress",
      type: "string",
      default: "auto",
      description: 'Set type of progress output ("auto", "plain", "tty", "quiet")',
    },
    { name: "pull", type: "bool", description: "Always attempt to pull all referenced images" },
    { name: "quiet", short: "q", type: "bool", description: "Suppress the build output and print image ID on success" },
    {
      name: "secret",
      type: "strings",
      description: 'Secret to expose to the build (format: "id=mysecret[,src=/local/secret]" or "id=x,env=VAR")',
    },
    { name: "tag", short: "t", type: "strings", description: 'Name and optionally a tag in the "name:tag" format' },
    { name: "target", type: "string", description: "Set the target build stage to build" },
    {
      name: "rm",
      type: "bool",
      default: true,
      description: "Remove intermediate containers after a successful build",
      hidden: true,
    },
    { name: "force-rm", type: "bool", description: "Always remove intermediate containers", hidden: true },
  ],
  args: { exact: 1 },
};

function keyValues(list: string[], what: string, env: NodeJS.ProcessEnv, fromEnv: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq === 0) throw new HoistError("INVALID_ARGUMENT", `invalid ${what}: ${item}`);
    if (eq > 0) out[item.slice(0, eq)] = item.slice(eq + 1);
    else if (!fromEnv) out[item] = "";
    else if (env[item] !== undefined) out[item] = env[item] as string;
  }
  return out;
}

function parseSecrets(list: string[]): Map<string, { file?: string; env?: string }> {
  const out = new Map<string, { file?: string; env?: string }>();
  for (const spec of list) {
    const fields = new Map<string, string>();
    for (const f of spec.split(",")) {
      const eq = f.indexOf("=");
      fields.set((eq < 0 ? f : f.slice(0, eq)).trim().toLowerCase(), eq < 0 ? "" : f.slice(eq + 1));
    }
    const id = fields.get("id") ?? "";
    if (id === "") throw new HoistError("INVALID_ARGUMENT", `invalid secret ${spec}: id is required`);
    const src = fields.get("src") ?? fields.get("source");
    const env = fields.get("env");
    if (fields.get("type") === "env" || (env !== undefined && src === undefined))
      out.set(id, { env: env || src || id });
    else {
      const file = src ?? id;
      if (!fs.existsSync(file))
        throw new HoistError("NOT_FOUND", `failed to stat secret ${id}: open ${file}: no such file or directory`);
      out.set(id, { file });
    }
  }
  return out;
}

/** FROM / COPY --from images: the store's, else pulled (always pulled with --pull). */
function imageResolver(ctx: Context, store: Store, flags: ParsedFlags, note: (text: string) => void) {
  return async (name: string, options: { pull: boolean }): Promise<ImageRecord> => {
    const local = freshLookup(store, name);
    if (local && !options.pull) return local;
    let ref;
    try {
      ref = parseNormalizedNamed(name);
    } catch (e) {
      throw new HoistError(
        "INVALID_REFERENCE",
        `failed to parse image name ${JSON.stringify(name)}: ${(e as Error).message}`,
      );
    }
    if (ref.tag === undefined && ref.digest === undefined) ref = withTag(ref, "latest");
    const { pullImage, remoteOptions } = await import("./pull.ts");
    note(`pulling ${toString(ref)}`);
    const quietIo: Io = { ...ctx.io, out: (t) => ctx.io.err(t), isTTY: false };
    try {
      await pullImage({ ...ctx, io: quietIo }, store, ref, {
        ...remoteOptions(ctx, flags),
        quiet: true,
        summary: false,
        signal: ctx.signal,
      });
    } catch (e) {
      if (
        isHoistError(e, "NOT_FOUND") ||
        isHoistError(e, "UNAUTHORIZED") ||
        isHoistError(e, "DENIED") ||
        isHoistError(e, "IO") ||
        isHoistError(e, "REGISTRY")
      ) {
        throw new HoistError(
          "NOT_FOUND",
          `${name}: image not found locally, and pulling it failed: ${(e as Error).message}`,
          { cause: e },
        );
      }
      throw e;
    }
    const pulled = freshLookup(store, name);
    if (!pulled) throw new HoistError("NOT_FOUND", `${name}: image not found after pull`);
    return pulled;
  };
}

function freshLookup(store: Store, name: string): ImageRecord | undefined {
  try {
    return findImage(store.state(), name);
  } catch (e) {
    if (isHoistError(e, "INVALID_REFERENCE")) throw e;
    return undefined;
  }
}

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const quiet = flags.bool("quiet") || flags.string("progress") === "quiet";
  const mode = progressMode(flags.string("progress") ?? "auto", ctx, quiet);
  const tags = flags.strings("tag").map((t) => {
    try {
      return normalizeTagged(t);
    } catch (e) {
      throw new HoistError(
        "INVALID_ARGUMENT",
        `invalid argument "${t}" for "-t, --tag" flag: ${(e as Error).message}`,
        { exitCode: 125 },
      );
    }
  });
  const buildArgs = keyValues(flags.strings("build-arg"), "build-arg", ctx.env, true);
  const labels = keyValues(flags.strings("label"), "label", ctx.env, false);
  const secrets = parseSecrets(flags.strings("secret"));
  const net = flags.string("network") || "default";
  const epochText = buildArgs.SOURCE_DATE_EPOCH ?? ctx.env.SOURCE_DATE_EPOCH;
  let epoch: number | undefined;
  if (epochText !== undefined && epochText !== "") {
    epoch = Number(epochText);
    if (!Number.isInteger(epoch) || epoch < 0)
      throw new HoistError("INVALID_ARGUMENT", `invalid SOURCE_DATE_EPOCH: ${epochText}`);
    buildArgs.SOURCE_DATE_EPOCH ??= epochText;
  }
  const store = openStore(ctx);
  const path = args[0] as string;
  const file = flags.string("file");
  const context = await loadContext(
    { path, ...(file !== undefined ? { file } : {}), stdin: ctx.io.stdin as NodeJS.ReadStream },
    store,
  );
  const progress = new Progress(ctx.io, mode);
  let result: BuildResult;
  try {
    const platform = flags.string("platform");
    result = await build({
      store,
      contextDir: context.dir,
      dockerfile: context.dockerfile,
      ignore: context.ignore,
      tags,
      buildArgs,
      labels,
      ...(flags.string("target") ? { target: flags.string("target") as string } : {}),
      noCache: flags.bool("no-cache"),
      pull: flags.bool("pull"),
      network: net,
      ...(platform ? { platform } : {}),
      secrets,
      persistChecksums: path !== "-" && fs.statSync(path).isDirectory(),
      ...(epoch !== undefined ? { sourceDateEpoch: epoch } : {}),
      resolveImage: imageResolver(ctx, store, flags, (text) => progress.note(text)),
      onEvent: (e) => progress.event(e),
      signal: ctx.signal,
    });
  } catch (e) {
    progress.fail();
    throw e;
  } finally {
    context.dispose();
  }
  progress.end();
  const iidfile = flags.string("iidfile");
  if (iidfile) fs.writeFileSync(iidfile, result.id);
  if (quiet) ctx.io.out(`${result.id}\n`);
};

type Mode = "plain" | "tty" | "quiet";

function progressMode(value: string, ctx: Context, quiet: boolean): Mode {
  if (quiet) return "quiet";
  const errTTY = Boolean((ctx.io.stderr as NodeJS.WriteStream).isTTY) && ctx.env.TERM !== "dumb";
  switch (value) {
    case "auto":
      return errTTY ? "tty" : "plain";
    case "plain":
    case "rawjson":
      return "plain";
    case "tty":
      return "tty";
    case "quiet":
      return "quiet";
    default:
      throw new HoistError("INVALID_ARGUMENT", `invalid progress mode "${value}": use auto, plain, tty or quiet`);
  }
}

interface StepView {
  id: number;
  name: string;
  started: number;
  ms?: number;
  cached: boolean;
  error?: string;
  logs: string[];
  /** Output lines (kept for a failure report, and the tail on a terminal). */
  lines: string[];
  partial: string;
  bytes: number;
}

const KEEP_BYTES = 256 * 1024;

/**
 * BuildKit's progress: `--progress=plain` prints every line (`#3 [2/4] RUN make`, `#3 0.512 output`,
 * `#3 DONE 1.2s`); on a terminal a compact view is redrawn in place with the tail of the running step's
 * output; quiet prints nothing but a failing step's output.
 */
class Progress {
  private readonly io: Io;
  private readonly mode: Mode;
  private readonly steps = new Map<number, StepView>();
  private readonly started = Date.now();
  private drawn = 0;
  private lastDraw = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(io: Io, mode: Mode) {
    this.io = io;
    this.mode = mode;
    if (mode === "tty") this.timer = setInterval(() => this.draw(), 200).unref();
  }

  private out(text: string): void {
    this.io.err(text);
  }

  event(e: BuildEvent): void {
    if (e.type === "warning") {
      if (this.mode !== "quiet") this.out(`[Warning] ${e.text}\n`);
      return;
    }
    if (e.type === "step-start") {
      this.steps.set(e.id, {
        id: e.id,
        name: e.name,
        started: Date.now(),
        cached: false,
        logs: [],
        lines: [],
        partial: "",
        bytes: 0,
      });
      if (this.mode === "plain") this.out(`#${e.id} ${e.name}\n`);
      this.maybeDraw();
      return;
    }
    const s = this.steps.get(e.id);
    if (!s) return;
    switch (e.type) {
      case "step-cached":
        s.cached = true;
        if (this.mode === "plain") this.out(`#${e.id} CACHED\n`);
        break;
      case "step-output":
        this.output(s, e.data.toString("utf8"));
        break;
      case "step-log":
        s.logs.push(e.text);
        if (this.mode === "plain") this.out(`#${e.id} ${e.text}\n`);
        break;
      case "step-done":
        this.flush(s);
        s.ms = e.ms;
        if (this.mode === "plain" && !s.cached) this.out(`#${e.id} DONE ${(e.ms / 1000).toFixed(1)}s\n`);
        break;
      case "step-error":
        this.flush(s);
        s.error = e.message;
        s.ms = Date.now() - s.started;
        if (this.mode === "plain") this.out(`#${e.id} ERROR: ${e.message}\n`);
        break;
    }
    this.maybeDraw();
  }

  private output(s: StepView, text: string): void {
    const parts = (s.partial + text).split("\n");
    s.partial = parts.pop() ?? "";
    for (const line of parts) this.line(s, line);
  }

  private flush(s: StepView): void {
    if (s.partial !== "") this.line(s, s.partial);
    s.partial = "";
  }

  private line(s: StepView, line: string): void {
    s.lines.push(line);
    s.bytes += line.length + 1;
    while (s.bytes > KEEP_BYTES && s.lines.length > 1) s.bytes -= (s.lines.shift() ?? "").length + 1;
    if (this.mode === "plain") this.out(`#${s.id} ${((Date.now() - s.started) / 1000).toFixed(3)} ${line}\n`);
  }

  private maybeDraw(): void {
    if (this.mode !== "tty" || Date.now() - this.lastDraw < 100) return;
    this.draw();
  }

  private draw(final = false): void {
    if (this.mode !== "tty") return;
    this.lastDraw = Date.now();
    const width = Math.max(40, (this.io.stderr as NodeJS.WriteStream).columns ?? 80);
    const all = [...this.steps.values()];
    const done = all.filter((s) => s.ms !== undefined).length;
    const lines = [
      `[+] Building ${((Date.now() - this.started) / 1000).toFixed(1)}s (${done}/${all.length})${final ? " FINISHED" : ""}`,
    ];
    for (const s of all) {
      const time = `${(((s.ms ?? Date.now() - s.started) as number) / 1000).toFixed(1)}s`;
      const head = ` => ${s.cached ? "CACHED " : ""}${s.error ? "ERROR " : ""}${s.name}`;
      lines.push(fit(head, width - time.length - 1).padEnd(width - time.length - 1) + time);
      if (s.ms === undefined && !final) for (const l of s.lines.slice(-6)) lines.push(fit(` => => # ${l}`, width - 1));
      if (final || s.ms !== undefined) for (const l of s.logs) lines.push(fit(` => => ${l}`, width - 1));
    }
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : "";
    this.out(`${up}${lines.map((l) => `\x1b[2K${l}`).join("\n")}\n\x1b[J`);
    this.drawn = lines.length;
  }

  /** A line outside any step (e.g. a base image being pulled). */
  note(text: string): void {
    if (this.mode === "quiet") return;
    if (this.mode === "plain") this.out(`${text}\n`);
    else {
      this.drawn = 0;
      this.out(`${text}\n`);
    }
  }

  end(): void {
    if (this.timer) clearInterval(this.timer);
    this.draw(true);
  }

  /** After a failure: the failing step's whole output (a terminal or quiet mode only showed a tail). */
  fail(): void {
    if (this.timer) clearInterval(this.timer);
    this.draw(true);
    if (this.mode === "plain") return;
    for (const s of this.steps.values()) {
      if (s.error === undefined) continue;
      this.flush(s);
      if (s.lines.length > 0) {
        this.out(`------\n > ${s.name}:\n${s.lines.map((l) => `${l}\n`).join("")}------\n`);
      }
    }
  }
}

function fit(s: string, width: number): string {
  return s.length > width ? `${s.slice(0, Math.max(0, width - 3))}...` : s;
}
