// New layers of a build go into the store through StoreSink, one committed layer per step, streamed from
// tar entries; the blob is hard-linked into the build cache before it is published. Layers that the store
// has collected since a step was cached are restored from that link.
import fs from "node:fs";
import { join } from "node:path";
import { HoistError } from "../errors.ts";
import { digestHex, MediaType, type Digest } from "../oci/index.ts";
import { writeTar, type TarWriteEntry } from "../streams/index.ts";
import type { Store } from "../store/index.ts";
import { StoreSink } from "../transports/store/index.ts";
import type { LayerRef } from "../transports/types.ts";
import type { BuildCache, CachedLayer } from "./cache/cache-index.ts";

/** Store the layer `entries` make; undefined when there are none (the step changed nothing). */
export async function writeLayer(
  store: Store,
  cache: BuildCache,
  entries: AsyncIterable<TarWriteEntry>,
  signal?: AbortSignal,
): Promise<CachedLayer | undefined> {
  const it = entries[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return undefined;
  async function* all(): AsyncGenerator<TarWriteEntry> {
    yield first.value as TarWriteEntry;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  const sink = new StoreSink(store);
  try {
    const ref = await sink.ingestLayer(writeTar(all(), signal ? { signal } : {}), MediaType.ociLayer, signal);
    const staging = await sink.stagingArea();
    const staged = join(staging.dir, "blobs", digestHex(ref.descriptor.digest));
    if (fs.existsSync(staged)) cache.linkBlob(staged, ref.descriptor.digest);
    await sink.commit();
    if (!cache.hasBlob(ref.descriptor.digest))
      cache.linkBlob(store.blobPath(ref.descriptor.digest), ref.descriptor.digest);
    const rec = store.state().layers[digestHex(ref.diffId)];
    return {
      diffId: ref.diffId,
      blob: {
        digest: ref.descriptor.digest,
        size: ref.descriptor.size,
        mediaType: ref.descriptor.mediaType,
        compression: ref.compression,
      },
      tarSize: ref.uncompressedSize ?? rec?.tarSize ?? 0,
      size: rec?.size ?? 0,
    };
  } catch (e) {
    await sink.abort();
    throw e;
  }
}

/** The LayerRef of a cached layer. */
export function layerRef(l: CachedLayer): LayerRef {
  return {
    descriptor: { mediaType: l.blob.mediaType, digest: l.blob.digest, size: l.blob.size },
    diffId: l.diffId,
    compression: l.blob.compression,
    uncompressedSize: l.tarSize,
  };
}

/** Make sure the store has a cached layer (extracted), restoring it from the cache's blob if collected. */
export async function ensureLayer(
  store: Store,
  cache: BuildCache,
  l: CachedLayer,
  signal?: AbortSignal,
): Promise<void> {
  if (hasExtracted(store, l.diffId)) return;
  const blob = cache.blobPath(l.blob.digest);
  if (!fs.existsSync(blob))
    throw new HoistError("NOT_FOUND", `cached layer ${l.diffId} is gone (run \`hoist builder prune\`)`);
  const sink = new StoreSink(store);
  try {
    await sink.putLayer(layerRef(l), fs.createReadStream(blob, { highWaterMark: 1 << 20 }), signal ? { signal } : {});
    await sink.commit();
  } catch (e) {
    await sink.abort();
    throw e;
  }
}

/** Whether the store has the layer recorded and extracted. */
export function hasExtracted(store: Store, diffId: Digest): boolean {
  return store.state().layers[digestHex(diffId)] !== undefined && fs.existsSync(store.layerDiffDir(diffId));
}
