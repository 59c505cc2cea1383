// The local store as a copy source: images by name or ID, their kept manifest and blobs.
import type { Readable } from "node:stream";
import { HoistError } from "../../errors.ts";
import { digestHex, layerCompressionOf, parseManifest, type Digest } from "../../oci/index.ts";
import type { Store } from "../../store/store.ts";
import type { ImageRecord } from "../../store/state.ts";
import type { ImageSource, LayerRef, ManifestBytes, SourceImage } from "../types.ts";

export class StoreSource implements ImageSource {
  readonly description = "local store";
  private readonly store: Store;
  private readonly records: { record: ImageRecord; names: string[] }[];

  /** `names` per image: which of its names to carry (e.g. only the one asked for). */
  constructor(store: Store, records: { record: ImageRecord; names: string[] }[]) {
    this.store = store;
    this.records = records;
  }

  async images(): Promise<SourceImage[]> {
    return this.records.map(({ record, names }) => storeImage(this.store, record, names));
  }

  async close(): Promise<void> {}
}

export function storeImage(store: Store, record: ImageRecord, names: string[]): SourceImage {
  let manifest: ManifestBytes | undefined;
  const readManifest = (): ManifestBytes => {
    manifest ??= {
      bytes: store.readBlob(record.manifest.digest),
      mediaType: record.manifest.mediaType,
      digest: record.manifest.digest,
    };
    return manifest;
  };
  return {
    names,
    config: async () => store.readBlob(record.id),
    manifest: async () => readManifest(),
    layers: async () => {
      const m = parseManifest(readManifest().bytes);
      const state = store.state();
      return record.layers.map((diffId, i): LayerRef => {
        const desc = m.layers[i];
        if (!desc) throw new HoistError("CORRUPT", `image ${record.id}: manifest has fewer layers than its config`);
        const rec = state.layers[digestHex(diffId)];
        return {
          descriptor: desc,
          diffId,
          compression: layerCompressionOf(desc.mediaType) ?? "none",
          ...(rec ? { uncompressedSize: rec.tarSize } : {}),
        };
      });
    },
    openLayer: async (layer: LayerRef): Promise<Readable> => store.openBlob(layer.descriptor.digest as Digest),
  };
}
