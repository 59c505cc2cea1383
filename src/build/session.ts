// What the steps of a build share: the store and its build cache, the context and its checksums, scratch
// space, views of images' filesystems, stage results, and the one way a step that makes a layer is run
// (cache lookup by key, else execute, record, and add the layer to the stage).
import fs from "node:fs";
import { join } from "node:path";
import { HoistError } from "../errors.ts";
import { goTimestamp, type Digest, type ImageConfig } from "../oci/index.ts";
import type { Staging, Store } from "../store/index.ts";
import type { Timestamp } from "../streams/index.ts";
import type { LayerRef } from "../transports/types.ts";
import type { BuildCache, CachedLayer } from "./cache/cache-index.ts";
import type { ContentHasher } from "./context/checksum.ts";
import type { BuildContext } from "./context/context.ts";
import type { EscapeToken, Stage } from "./dockerfile/index.ts";
import type { EventSink } from "./events.ts";
import { ensureLayer, hasExtracted, layerRef } from "./layers.ts";
import { openView, type RootfsView } from "./rootfs-view.ts";
import type { StepNetwork } from "./run/network.ts";
import type { StepRunner } from "./run/runner.ts";
import { addHistory, type StageState } from "./stage-state.ts";

/** An image a build starts from or copies from, as the store has it. */
export interface BaseImage {
  id: Digest;
  /** The name as resolved (docker.io/library/busybox:latest). */
  name: string;
  config: ImageConfig;
  layers: LayerRef[];
}

export interface SessionOptions {
  store: Store;
  cache: BuildCache;
  hasher: ContentHasher;
  context: BuildContext;
  staging: Staging;
  dockerfileName: string;
  escapeToken: EscapeToken;
  buildArgs: ReadonlyMap<string, string>;
  noCache: boolean;
  /** The build's network (`--network`), which RUN steps use unless theirs says otherwise. */
  network: StepNetwork;
  secrets: ReadonlyMap<string, { file?: string; env?: string }>;
  epoch?: Timestamp;
  runner: StepRunner;
  emit: EventSink;
  signal?: AbortSignal;
  image(name: string): Promise<BaseImage>;
  stage(stage: Stage): Promise<StageState>;
  stages: readonly Stage[];
}

export class Session {
  readonly o: SessionOptions;
  private nextId = 1;
  private counter = 0;
  /** Layers that came from the cache, to restore if the store collected them. */
  private readonly cached = new Map<string, CachedLayer>();

  constructor(options: SessionOptions) {
    this.o = options;
  }

  /** A fresh directory in the build's staging area (removed when the build ends, or by the next command after a crash). */
  scratch(prefix: string): string {
    const dir = join(this.o.staging.dir, `${prefix}-${this.counter++}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    return dir;
  }

  stepId(): number {
    return this.nextId++;
  }

  now(): string {
    return goTimestamp();
  }

  nowTimestamp(): Timestamp {
    const ms = Date.now();
    return { sec: Math.floor(ms / 1000), nsec: (ms % 1000) * 1e6 };
  }

  /** The extracted directories of `layers`, restoring any the store has collected. */
  async lowers(layers: readonly LayerRef[]): Promise<string[]> {
    for (const l of layers) {
      if (hasExtracted(this.o.store, l.diffId)) continue;
      const c = this.cached.get(l.diffId);
      if (!c) throw new HoistError("NOT_FOUND", `layer ${l.diffId} is missing from the store`);
      await ensureLayer(this.o.store, this.o.cache, c, this.o.signal);
    }
    return layers.map((l) => this.o.store.layerDiffDir(l.diffId));
  }

  async view(layers: readonly LayerRef[]): Promise<RootfsView> {
    return openView(await this.lowers(layers), this.scratch("view"));
  }

  /** Make sure every layer the final image needs is in the store. */
  async ensureAll(layers: readonly LayerRef[]): Promise<void> {
    await this.lowers(layers);
  }

  /**
   * Run a step that may make a layer: from the cache when `key` is known (and --no-cache is off), else by
   * `exec`, whose result is recorded. The stage gets the layer and a history entry.
   */
  async layerStep(
    s: StageState,
    step: { id: number; key: string; createdBy: string; /** The stage's next fsKey, when not `key`. */ chain?: string },
    exec: () => Promise<CachedLayer | undefined>,
  ): Promise<void> {
    let rec = this.o.noCache ? undefined : this.o.cache.get(step.key);
    if (rec?.layer && !hasExtracted(this.o.store, rec.layer.diffId) && !this.o.cache.hasBlob(rec.layer.blob.digest)) {
      rec = undefined; // the layer is gone from both the store and the cache
    }
    let layer: CachedLayer | undefined;
    let created: string;
    if (rec) {
      this.o.emit({ type: "step-cached", id: step.id });
      layer = rec.layer;
      created = rec.created;
    } else {
      created = this.now();
      layer = await exec();
      await this.o.cache.put(step.key, { ...(layer ? { layer } : {}), created });
    }
    if (layer) {
      this.cached.set(layer.diffId, layer);
      s.layers = [...s.layers, layerRef(layer)];
      s.image.rootfs = { type: "layers", diff_ids: [...s.image.rootfs.diff_ids, layer.diffId] };
    }
    s.fsKey = step.chain ?? step.key;
    addHistory(s, step.createdBy, layer === undefined, created);
  }
}
