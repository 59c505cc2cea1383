// `build`: Dockerfile → typed stages → the stages the target needs → each instruction dispatched (config edits,
// or steps that make layers, cached by key) → the image, stored through StoreSink and named only on success.
import { HoistError } from "../errors.ts";
import { parseImageConfig, type Digest } from "../oci/index.ts";
import type { ImageRecord, Store } from "../store/index.ts";
import type { Timestamp } from "../streams/index.ts";
import { StoreSink, storeImage } from "../transports/store/index.ts";
import { formatPlatform, metaArgs, nativePlatform, platformArgs, PROXY_ARGS } from "./args.ts";
import { BuildCache } from "./cache/cache-index.ts";
import { applyConfigInstruction } from "./config-steps.ts";
import { ContentHasher } from "./context/checksum.ts";
import { BuildContext } from "./context/context.ts";
import {
  DockerfileError,
  expandCommand,
  expandFrom,
  parseDockerfile,
  processWord,
  targetStage,
  type ArgInstruction,
  type Command,
  type Dockerfile,
  type Stage,
} from "./dockerfile/index.ts";
import { BuildStepError, firstLine } from "./errors.ts";
import type { EventSink } from "./events.ts";
import { finalConfig } from "./export-image.ts";
import { chooseRuntime } from "../runtime/runtimes.ts";
import { RuncRunner } from "./run/runc-runner.ts";
import { buildNetwork } from "./run/network.ts";
import type { StepRunner } from "./run/runner.ts";
import { Session, type BaseImage } from "./session.ts";
import { baseStage, neededStages, triggerCommands } from "./stage-plan.ts";
import { addHistory, cloneState, containerConfig, envMap, type StageState } from "./stage-state.ts";
import { copyStep } from "./steps/copy.ts";
import { runStep } from "./steps/run.ts";
import { workdirStep } from "./steps/workdir.ts";

export interface BuildOptions {
  store: Store;
  /** The context directory (a tar context is unpacked first: see context/load.ts). */
  contextDir: string;
  dockerfile: { text: string | Uint8Array; name: string };
  ignore?: readonly string[];
  /** Normalized names to give the image (docker.io/library/app:latest). */
  tags?: readonly string[];
  buildArgs?: Readonly<Record<string, string>>;
  labels?: Readonly<Record<string, string>>;
  target?: string;
  noCache?: boolean;
  pull?: boolean;
  /** The network RUN steps use: default (or bridge) is hoist's default `bridge` network; host, none, or a
   * user-defined network's name. */
  network?: string;
  platform?: string;
  secrets?: ReadonlyMap<string, { file?: string; env?: string }>;
  /** Remember context checksums across builds (off for a context unpacked from a tar). */
  persistChecksums?: boolean;
  /** SOURCE_DATE_EPOCH (seconds). */
  sourceDateEpoch?: number;
  /** Find (or pull) an image by name; `pull` asks for a fresh pull (--pull). */
  resolveImage: (name: string, options: { pull: boolean }) => Promise<ImageRecord>;
  runner?: StepRunner;
  onEvent?: EventSink;
  signal?: AbortSignal;
}

export interface BuildResult {
  id: Digest;
  names: string[];
}

const SINGLE_STEP_KINDS = new Set(["run", "copy", "add", "workdir"]);

function stepCount(commands: readonly Command[]): number {
  return commands.filter((c) => SINGLE_STEP_KINDS.has(c.kind)).length;
}

/** Parse the Dockerfile; a parse error names the file, the line and the instruction. */
export function loadDockerfile(text: string | Uint8Array, name: string): Dockerfile {
  try {
    return parseDockerfile(text);
  } catch (e) {
    if (!(e instanceof DockerfileError)) throw e;
    const lines = (typeof text === "string" ? text : Buffer.from(text).toString("utf8")).split("\n");
    const line = (lines[e.line - 1] ?? "").trim();
    const message = e.message.replace(/^dockerfile parse error on line \d+: /, "");
    throw new HoistError(
      "INVALID_ARGUMENT",
      `${name}:${e.line}: ${line === "" ? "" : `${firstLine(line)}: `}${message}`,
      { cause: e },
    );
  }
}

/** `f` once, when first asked for (a failure is asked again next time). */
function memo<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= f().catch((e: unknown) => ((p = undefined), Promise.reject(e))));
}

class Builder {
  private readonly o: BuildOptions;
  private readonly df: Dockerfile;
  private readonly buildArgs: Map<string, string>;
  private readonly meta: { env: Map<string, string>; declared: Set<string> };
  private readonly usedArgs = new Set<string>();
  private readonly stages = new Map<number, Promise<StageState>>();
  private readonly images = new Map<string, Promise<BaseImage>>();
  private session!: Session;
  private readonly emit: EventSink;
  readonly epoch: Timestamp | undefined;

  constructor(o: BuildOptions, df: Dockerfile, targetName: string) {
    this.o = o;
    this.df = df;
    this.emit = o.onEvent ?? (() => {});
    this.buildArgs = new Map(Object.entries(o.buildArgs ?? {}));
    this.meta = metaArgs(df.metaArgs, this.buildArgs, platformArgs(nativePlatform(), targetName), df.escapeToken);
    for (const k of this.meta.declared) this.usedArgs.add(k);
    this.epoch = o.sourceDateEpoch === undefined ? undefined : { sec: Math.floor(o.sourceDateEpoch), nsec: 0 };
  }

  async run(): Promise<BuildResult> {
    const target = targetStage(this.df, this.o.target ?? "");
    const store = this.o.store;
    const staging = await store.stage();
    const cache = new BuildCache(store);
    const hasher = new ContentHasher(
      this.o.persistChecksums === false ? undefined : cache.paths.files,
      this.o.contextDir,
    );
    try {
      this.session = new Session({
        store,
        cache,
        hasher,
        context: new BuildContext(this.o.contextDir, { ignore: this.o.ignore ?? [] }),
        staging,
        dockerfileName: this.o.dockerfile.name,
        escapeToken: this.df.escapeToken,
        buildArgs: this.buildArgs,
        noCache: this.o.noCache ?? false,
        network: buildNetwork(this.o.network),
        secrets: this.o.secrets ?? new Map(),
        ...(this.epoch ? { epoch: this.epoch } : {}),
        runner: this.o.runner ?? new RuncRunner(memo(async () => (await chooseRuntime(store.paths.root)).runtime)),
        emit: this.emit,
        ...(this.o.signal ? { signal: this.o.signal } : {}),
        image: (name) => this.image(name),
        stage: (stage) => this.stage(stage),
        stages: this.df.stages,
      });
      for (const stage of neededStages(this.df, target, this.meta.env)) await this.stage(stage);
      const final = await this.stage(target);
      this.warnUnusedArgs();
      return await this.export(final);
    } finally {
      await hasher.save(store).catch(() => {});
      await cache.touch().catch(() => {});
      staging.dispose();
    }
  }

  private warnUnusedArgs(): void {
    const unused = [...this.buildArgs.keys()].filter(
      (k) => !this.usedArgs.has(k) && !PROXY_ARGS.includes(k) && k !== "SOURCE_DATE_EPOCH",
    );
    if (unused.length > 0)
      this.emit({ type: "warning", text: `One or more build-args [${unused.sort().join(" ")}] were not consumed` });
  }

  private image(name: string): Promise<BaseImage> {
    let p = this.images.get(name);
    if (!p) {
      p = (async () => {
        const record = await this.o.resolveImage(name, { pull: this.o.pull ?? false });
        const config = parseImageConfig(this.o.store.readBlob(record.id));
        const layers = await storeImage(this.o.store, record, []).layers();
        return { id: record.id, name: record.names[0] ?? name, config, layers };
      })();
      this.images.set(name, p);
    }
    return p;
  }

  private stage(stage: Stage): Promise<StageState> {
    let p = this.stages.get(stage.index);
    if (!p) {
      p = this.buildStage(stage);
      this.stages.set(stage.index, p);
    }
    return p;
  }

  private label(stage: Stage): string {
    if (this.df.stages.length === 1) return "";
    return stage.name || `stage-${stage.index}`;
  }

  private stepName(s: StageState, text: string): string {
    s.step++;
    return `[${s.label ? `${s.label} ` : ""}${s.step}/${s.total}] ${text}`;
  }

  private async buildStage(stage: Stage): Promise<StageState> {
    const { state, triggers } = await this.wrap(stage.from, () => this.initStage(stage));
    for (const cmd of [...triggers, ...stage.commands]) {
      this.o.signal?.throwIfAborted();
      await this.wrap(cmd, () => this.dispatch(state, cmd));
    }
    return state;
  }

  private async wrap<T>(cmd: { location: Stage["location"]; original: string }, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof BuildStepError || (this.o.signal?.aborted ?? false)) throw e;
      throw new BuildStepError(this.o.dockerfile.name, cmd.location, cmd.original, e);
    }
  }

  private async initStage(stage: Stage): Promise<{ state: StageState; triggers: Command[] }> {
    const from = expandFrom(stage.from, this.meta.env, this.df.escapeToken).value;
    for (const k of expandFrom(stage.from, this.meta.env, this.df.escapeToken).matched) this.usedArgs.add(k);
    if (from.baseName === "")
      throw new HoistError("INVALID_ARGUMENT", `base name (${stage.from.baseName}) should not be blank`);
    if (from.platform !== "") checkPlatform(from.platform);
    const label = this.label(stage);
    const base = baseStage(this.df, stage, this.meta.env);
    if (base) {
      const parent = await this.stage(base);
      const triggerText = base.commands.flatMap((c) => (c.kind === "onbuild" ? [c.expression] : []));
      const triggers = triggerCommands(triggerText, stage.location);
      const state = cloneState(parent, stage, label, stepCount([...triggers, ...stage.commands]));
      containerConfig(state).OnBuild = null;
      return { state, triggers };
    }
    if (from.baseName.toLowerCase() === "scratch") {
      const state = this.newState(stage, label, stepCount(stage.commands), "scratch");
      return { state, triggers: [] };
    }
    const img = await this.image(from.baseName);
    const triggerText = img.config.config?.OnBuild ?? [];
    const triggers = triggerCommands(triggerText, stage.location);
    const state = this.newState(stage, label, 1 + stepCount([...triggers, ...stage.commands]), `image:${img.id}`);
    const { created: _created, ...config } = structuredClone(img.config);
    state.image = { ...config, config: { ...(config.config ?? {}), OnBuild: null } };
    state.layers = [...img.layers];
    state.baseHistory = config.history?.length ?? 0;
    const id = this.session.stepId();
    this.emit({ type: "step-start", id, name: this.stepName(state, `FROM ${img.name}`) });
    this.emit({ type: "step-done", id, ms: 0 });
    this.initEnv(state);
    return { state, triggers };
  }

  private newState(stage: Stage, label: string, total: number, fsKey: string): StageState {
    const p = nativePlatform();
    const state: StageState = {
      stage,
      label,
      image: {
        architecture: p.architecture,
        os: p.os,
        config: { WorkingDir: "/" },
        rootfs: { type: "layers", diff_ids: [] },
        history: [],
      },
      layers: [],
      baseHistory: 0,
      fsKey,
      env: new Map(),
      buildArgs: [],
      cmdSet: false,
      step: 0,
      total,
    };
    this.initEnv(state);
    return state;
  }

  private initEnv(state: StageState): void {
    const cfg = containerConfig(state);
    if (!(cfg.Env ?? []).some((e) => e.startsWith("PATH="))) {
      cfg.Env = [...(cfg.Env ?? []), "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"];
    }
    state.env = envMap(cfg.Env);
  }

  private async dispatch(s: StageState, cmd: Command): Promise<void> {
    if (cmd.kind === "arg") {
      this.dispatchArg(s, cmd);
      return;
    }
    const expansion = expandCommand(cmd, s.env, this.df.escapeToken);
    const c = expansion.value;
    if (!SINGLE_STEP_KINDS.has(c.kind)) {
      if (!applyConfigInstruction(s, c)) throw new HoistError("INTERNAL", `unhandled instruction ${c.keyword}`);
      return;
    }
    const id = this.session.stepId();
    const started = Date.now();
    this.emit({ type: "step-start", id, name: this.stepName(s, this.display(s, cmd)) });
    try {
      if (c.kind === "run") await runStep(this.session, s, c, expansion.mounts ?? [], id);
      else if (c.kind === "copy" || c.kind === "add") await copyStep(this.session, s, c, id);
      else if (c.kind === "workdir") await workdirStep(this.session, s, c, id);
    } catch (e) {
      this.emit({ type: "step-error", id, message: e instanceof Error ? e.message : String(e) });
      throw e;
    }
    this.emit({ type: "step-done", id, ms: Date.now() - started });
  }

  /** The instruction as a log shows it: variables expanded where they are set, quotes kept. */
  private display(s: StageState, cmd: Command): string {
    const text = firstLine(cmd.original);
    try {
      const [keyword = "", ...rest] = text.split(" ");
      const expanded = processWord(rest.join(" "), s.env, {
        escapeToken: this.df.escapeToken,
        rawQuotes: true,
        rawEscapes: true,
        skipUnsetEnv: true,
      });
      return `${keyword.toUpperCase()} ${expanded}`;
    } catch {
      return text;
    }
  }

  /** ARG (BuildKit's dispatchArg): --build-arg value, else the default expanded, else the global value. */
  private dispatchArg(s: StageState, cmd: ArgInstruction): void {
    const parts: string[] = [];
    for (const a of cmd.args) {
      this.usedArgs.add(a.key);
      let value: string | undefined;
      const given = this.buildArgs.get(a.key);
      if (given !== undefined) value = given;
      else if (a.value !== undefined) value = processWord(a.value, s.env, { escapeToken: this.df.escapeToken });
      else value = this.meta.env.get(a.key);
      if (value !== undefined) s.env.set(a.key, value);
      s.buildArgs.push(value === undefined ? { key: a.key } : { key: a.key, value });
      parts.push(value === undefined ? a.key : `${a.key}=${value}`);
    }
    addHistory(s, `ARG ${parts.join(" ")}`, true);
  }

  private async export(final: StageState): Promise<BuildResult> {
    const id = this.session.stepId();
    const started = Date.now();
    this.emit({ type: "step-start", id, name: "exporting to image" });
    const config = finalConfig({
      image: final.image,
      baseHistory: final.baseHistory,
      labels: this.o.labels ?? {},
      ...(this.epoch ? { epoch: this.epoch } : {}),
    });
    await this.session.ensureAll(final.layers);
    const names = [...(this.o.tags ?? [])];
    const sink = new StoreSink(this.o.store);
    let imageId: Digest;
    try {
      imageId = await sink.putImage({ config, layers: final.layers, names });
      await sink.commit();
    } catch (e) {
      await sink.abort();
      throw e;
    }
    this.emit({ type: "step-log", id, text: `writing image ${imageId}` });
    for (const n of names) this.emit({ type: "step-log", id, text: `naming to ${n}` });
    this.emit({ type: "step-done", id, ms: Date.now() - started });
    return { id: imageId, names };
  }
}

/** Only this machine's platform can be built. */
export function checkPlatform(platform: string): void {
  const native = nativePlatform();
  const want = platform.toLowerCase().split("/");
  const ok =
    want[0] === native.os &&
    (want[1] === undefined ||
      want[1] === native.architecture ||
      (want[1] === "x86_64" && native.architecture === "amd64"));
  if (!ok) {
    throw new HoistError(
      "UNSUPPORTED",
      `platform ${platform} cannot be built here: only the native platform ${formatPlatform(native)} is supported`,
    );
  }
}

export async function build(options: BuildOptions): Promise<BuildResult> {
  if (options.platform) checkPlatform(options.platform);
  const df = loadDockerfile(options.dockerfile.text, options.dockerfile.name);
  const target = targetStage(df, options.target ?? "");
  return new Builder(options, df, target.name || `stage-${target.index}`).run();
}
