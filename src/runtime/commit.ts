// `commit`: the container's layer becomes a new image layer (an OCI tar with whiteouts translated from
// overlayfs's form), added through the store sink with a config and a history entry, optionally tagged.
import fs from "node:fs";
import { join } from "node:path";
import { HoistError } from "../errors.ts";
import { applyChanges } from "../image/changes.ts";
import {
  MediaType,
  goTimestamp,
  parseImageConfig,
  type ContainerConfig,
  type Digest,
  type ImageConfig,
} from "../oci/index.ts";
import type { ContainerRecord } from "../store/containers.ts";
import { createLayer } from "../streams/index.ts";
import type { ContainerLayerDriver } from "../store/driver.ts";
import { storeImage, StoreSink } from "../transports/store/index.ts";
import type { LayerRef } from "../transports/types.ts";
import { lock, unlock } from "./busy-lock.ts";
import { findActive, isActive } from "./lifecycle.ts";
import type { Engine } from "./engine.ts";
import { runtimeCall } from "./oci-runtime.ts";

export interface CommitOptions {
  /** A normalized tagged name for the new image. */
  name?: string;
  message?: string;
  author?: string;
  /** Dockerfile-style config changes (--change). */
  changes?: string[];
  /** Pause a running container while its layer is read (docker's default). */
  pause?: boolean;
  signal?: AbortSignal;
}

/** The committed image's container config: the image's, with what the container was created with. */
function commitConfig(base: ContainerConfig, c: ContainerRecord): ContainerConfig {
  const cfg: ContainerConfig = { ...base };
  const cc = c.Config;
  cfg.Env = cc.Env;
  cfg.Cmd = cc.Cmd;
  cfg.Entrypoint = cc.Entrypoint;
  if (cc.WorkingDir) cfg.WorkingDir = cc.WorkingDir;
  else delete cfg.WorkingDir;
  if (cc.User) cfg.User = cc.User;
  else delete cfg.User;
  if (Object.keys(cc.Labels).length) cfg.Labels = cc.Labels;
  if (cc.ExposedPorts) cfg.ExposedPorts = cc.ExposedPorts;
  if (cc.StopSignal) cfg.StopSignal = cc.StopSignal;
  if (cc.Volumes) cfg.Volumes = cc.Volumes;
  return cfg;
}

/** The layer of a stopped overlay container, its files linked rather than copied (see store/driver-link.ts).
 * Undefined when the container runs (or started meanwhile): then its layer is streamed through the sink. */
async function linkedLayer(
  engine: Engine,
  c: ContainerRecord,
  driver: ContainerLayerDriver,
  sink: StoreSink,
  signal?: AbortSignal,
): Promise<LayerRef | undefined> {
  if (isActive(c) || !driver.linkChanges) return undefined;
  const fd = await lock(engine.dir(c.Id), 30_000);
  try {
    const now = engine.containers.get(c.Id);
    if (isActive(now)) return undefined;
    // Marked first: whatever happens next, the container copies its files before it runs again.
    await engine.containers.update((cs) => {
      const r = cs.containers[c.Id];
      if (r) r.SharesFiles = true;
    });
    const staging = await sink.stagingArea();
    const tar = createLayer(driver.changesDir(c.Id, [], "").path, { mode: "overlay", ...(signal ? { signal } : {}) });
    const blob = await staging.writeBlob(tar, undefined, signal);
    const diffId = blob.digest;
    const dir = staging.layerPath(diffId);
    fs.mkdirSync(dir);
    const size = driver.linkChanges(c.Id, join(dir, "diff"));
    staging.addLayer(diffId);
    sink.adoptLayer({
      diffId,
      tarSize: blob.size,
      size,
      created: goTimestamp(),
      blobs: [{ mediaType: MediaType.ociLayer, digest: diffId, size: blob.size, compression: "none" }],
    });
    return {
      descriptor: { mediaType: MediaType.ociLayer, digest: diffId, size: blob.size },
      diffId,
      compression: "none",
      uncompressedSize: blob.size,
    };
  } finally {
    unlock(fd);
  }
}

/** The layer of a (possibly running, then paused) container, streamed as a tar into the sink. */
async function streamedLayer(
  engine: Engine,
  c: ContainerRecord,
  driver: ContainerLayerDriver,
  sink: StoreSink,
  o: CommitOptions,
): Promise<LayerRef> {
  const running = c.State.Status === "running";
  const pause = running && (o.pause ?? true);
  const rt = engine.runtime(c);
  if (pause) await runtimeCall(rt, ["pause", c.Id]);
  try {
    const staging = await sink.stagingArea();
    const view = driver.changesDir(c.Id, engine.lowers(c), staging.scratch("changes"));
    try {
      const tar = createLayer(view.path, { mode: "overlay", ...(o.signal ? { signal: o.signal } : {}) });
      return await sink.ingestLayer(tar, MediaType.ociLayer, o.signal);
    } finally {
      view.release();
    }
  } finally {
    if (pause) await runtimeCall(rt, ["resume", c.Id]).catch(() => {});
  }
}

export async function commitContainer(engine: Engine, ref: string, o: CommitOptions = {}): Promise<Digest> {
  const changes = o.changes ?? [];
  applyChanges({}, changes); // bad changes fail before anything is read
  const c = await findActive(engine, ref);
  const store = engine.store;
  const baseRecord = store.state().images[c.Image.slice(7)];
  if (!baseRecord) throw new HoistError("CORRUPT", `the container's image ${c.Image} is missing`);
  const base = parseImageConfig(store.readBlob(c.Image));
  const driver = await engine.driver(c.Driver);
  const sink = new StoreSink(store, { parent: c.Image });
  try {
    const layer =
      (await linkedLayer(engine, c, driver, sink, o.signal)) ?? (await streamedLayer(engine, c, driver, sink, o));
    const created = goTimestamp();
    const config: ImageConfig = {
      ...base,
      created,
      ...(o.author ? { author: o.author } : {}),
      config: applyChanges(commitConfig(base.config ?? {}, c), changes),
      history: [
        ...(base.history ?? []),
        {
          created,
          created_by: [...(c.Config.Cmd ?? [])].join(" "),
          ...(o.author ? { author: o.author } : {}),
          ...(o.message ? { comment: o.message } : {}),
        },
      ],
      rootfs: { type: "layers", diff_ids: [...base.rootfs.diff_ids, layer.diffId] },
    };
    if (!o.author) delete config.author;
    const baseLayers = await storeImage(store, baseRecord, []).layers();
    const id = await sink.putImage({
      config: Buffer.from(JSON.stringify(config)),
      layers: [...baseLayers, layer],
      names: o.name ? [o.name] : [],
    });
    await sink.commit();
    return id;
  } catch (e) {
    await sink.abort();
    throw e;
  }
}
