// copy(source, sink): the one path by which images move between transports.
import type { Readable } from "node:stream";
import { HoistError } from "../errors.ts";
import { MediaType, type Digest } from "../oci/index.ts";
import type { CopyEvent, ImageSink, ImageSource, LayerRef, SourceImage } from "../transports/types.ts";
import { decompress, verifyDigest } from "../streams/index.ts";

export interface CopyOptions {
  signal?: AbortSignal;
  onEvent?: (e: CopyEvent) => void;
  /** Only these images of the source (by index into images()); default all. */
  select?: (image: SourceImage, index: number) => boolean;
  /** Override the names given to the sink for an image. */
  names?: (image: SourceImage) => string[];
}

/** Copy every (selected) image of `source` into `sink`; commits the sink on success, aborts it on failure. */
export async function copy(source: ImageSource, sink: ImageSink, options: CopyOptions = {}): Promise<Digest[]> {
  const { signal, onEvent } = options;
  const ids: Digest[] = [];
  const inFlight = new Map<string, Promise<void>>();
  try {
    const images = await source.images(signal ? { signal } : {});
    for (const [i, image] of images.entries()) {
      if (options.select && !options.select(image, i)) continue;
      signal?.throwIfAborted();
      const layers = await image.layers();
      const put = layers.map((layer) => (sink.capabilities.wantsUncompressed ? uncompressedRef(layer) : layer));
      // Layers go to the sink as many at a time as it takes (a registry: several uploads at once).
      await eachLimit(layers, sink.capabilities.parallelLayers ?? 1, async (layer, j) => {
        const target = put[j] as LayerRef;
        // Skip by the blob the sink would store, so a second blob of the same diffID is not lost.
        const key = target.descriptor.digest;
        const pending = inFlight.get(key);
        if (pending) return pending;
        const work = (async () => {
          if (await sink.hasLayer(target)) {
            onEvent?.({ type: "layer-skip", layer });
            return;
          }
          onEvent?.({ type: "layer-start", layer });
          // Errors travel both ways: a failing source destroys the verifier, and a digest mismatch stays on the
          // verifier's errored state for the sink to see even if it has not started reading yet.
          const raw = await image.openLayer(layer, signal ? { signal } : {});
          const verify = verifyDigest(layer.descriptor.digest, layer.descriptor.size);
          raw.on("error", (e) => verify.destroy(e));
          verify.on("error", () => undefined);
          let blob: Readable = raw.pipe(verify);
          if (sink.capabilities.wantsUncompressed && layer.compression !== "none")
            blob = (await decompress(blob)).stream;
          await sink.putLayer(target, blob, signal ? { signal } : {});
          onEvent?.({ type: "layer-done", layer });
        })();
        inFlight.set(key, work);
        return work;
      });
      const manifest = sink.capabilities.wantsUncompressed ? undefined : await image.manifest();
      const names = options.names ? options.names(image) : image.names;
      const id = await sink.putImage(
        { config: await image.config(), layers: put, names, ...(manifest ? { manifest } : {}) },
        signal ? { signal } : {},
      );
      ids.push(id);
      onEvent?.({ type: "image-done", id, names });
    }
    await sink.commit(signal ? { signal } : {});
    await source.close();
    return ids;
  } catch (e) {
    await sink.abort().catch(() => undefined);
    await source.close().catch(() => undefined);
    if (e instanceof HoistError) throw e;
    throw new HoistError("IO", `copying from ${source.description} to ${sink.description}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** The same layer as an uncompressed tar blob. */
export function uncompressedRef(layer: LayerRef): LayerRef {
  if (layer.compression === "none") return layer;
  return {
    diffId: layer.diffId,
    compression: "none",
    descriptor: {
      mediaType: MediaType.ociLayer,
      digest: layer.diffId,
      size: layer.uncompressedSize ?? -1,
    },
    ...(layer.uncompressedSize !== undefined ? { uncompressedSize: layer.uncompressedSize } : {}),
  };
}

/** Run `fn` over `items` with at most `limit` at once; the first failure rejects (the others are awaited). */
async function eachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const i = next++;
      try {
        await fn(items[i] as T, i);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure;
}
