// The local store as a copy destination: layers are extracted once (in staging) while their blob is kept,
// and everything becomes visible in one locked commit.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { nodeCrypto } from "../../random.ts";
import { HoistError } from "../../errors.ts";
import {
  MediaType,
  digestHex,
  layerCompressionOf,
  ociLayerType,
  parseImageConfig,
  sha256,
  type Digest,
  type Descriptor,
} from "../../oci/index.ts";
import { decompress, extractLayer } from "../../streams/index.ts";
import type { Store } from "../../store/store.ts";
import type { Staging } from "../../store/staging.ts";
import type { ImageRecord, LayerRecord } from "../../store/state.ts";
import { setName } from "../../store/images.ts";
import type { ImageSink, LayerRef, SinkImage } from "../types.ts";

export interface StoreSinkOptions {
  /** Decompression budget per layer (bytes of uncompressed tar). */
  maxLayerBytes?: number;
  /** Docker's Parent for new images (commit, build). */
  parent?: Digest;
}

interface PendingImage {
  record: ImageRecord;
  names: string[];
}

export class StoreSink implements ImageSink {
  readonly description = "local store";
  readonly capabilities = { reusesLayers: true, wantsUncompressed: false };
  private readonly store: Store;
  private readonly options: StoreSinkOptions;
  private staging: Staging | undefined;
  private readonly layers = new Map<string, LayerRecord>();
  private readonly images: PendingImage[] = [];

  constructor(store: Store, options: StoreSinkOptions = {}) {
    this.store = store;
    this.options = options;
  }

  private async stage(): Promise<Staging> {
    this.staging ??= await this.store.stage();
    return this.staging;
  }

  async hasLayer(layer: LayerRef): Promise<boolean> {
    if (this.layers.has(digestHex(layer.diffId))) return true;
    const rec = this.store.state().layers[digestHex(layer.diffId)];
    return rec !== undefined && rec.blobs.some((b) => b.digest === layer.descriptor.digest);
  }

  async putLayer(layer: LayerRef, blob: Readable, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.ingest(blob, layer.descriptor.mediaType, layer.diffId, options.signal);
  }

  /** Store a layer whose diffID is not known yet (import): returns what was stored. */
  async ingestLayer(blob: Readable, mediaType: string, signal?: AbortSignal): Promise<LayerRef> {
    return this.ingest(blob, mediaType, undefined, signal);
  }

  private async ingest(
    blob: Readable,
    mediaType: string,
    expected: Digest | undefined,
    signal?: AbortSignal,
  ): Promise<LayerRef> {
    const staging = await this.stage();
    const scratch = staging.scratch("layer");
    const file = `${scratch}.blob`;
    const dir = join(scratch, "diff");
    const w = await extractTee(blob, file, dir, this.options.maxLayerBytes, signal);
    if (expected !== undefined && w.diffId !== expected)
      throw new HoistError("DIGEST_INVALID", `layer diffID mismatch: expected ${expected}, got ${w.diffId}`);
    staging.adopt(file, w.blobDigest, w.blobSize);
    if (!staging.hasLayer(w.diffId)) {
      renameSync(scratch, staging.layerPath(w.diffId));
      staging.addLayer(w.diffId);
    }
    const type =
      w.compression === "none"
        ? layerCompressionOf(mediaType) === "none"
          ? mediaType
          : ociLayerType("none")
        : layerCompressionOf(mediaType) === w.compression
          ? mediaType
          : ociLayerType(w.compression);
    const descriptor = { mediaType: type, digest: w.blobDigest, size: w.blobSize };
    this.layers.set(digestHex(w.diffId), {
      diffId: w.diffId,
      tarSize: w.tarSize,
      size: w.contentSize,
      created: new Date().toISOString(),
      blobs: [{ ...descriptor, compression: w.compression }],
    });
    return { descriptor, diffId: w.diffId, compression: w.compression, uncompressedSize: w.tarSize };
  }

  /** Add an already staged, extracted layer (import, commit) without streaming it again. */
  adoptLayer(record: LayerRecord): void {
    this.layers.set(digestHex(record.diffId), record);
  }

  async stagingArea(): Promise<Staging> {
    return this.stage();
  }

  async putImage(image: SinkImage): Promise<Digest> {
    const staging = await this.stage();
    const config = parseImageConfig(image.config);
    const id = sha256(image.config);
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== image.layers.length || diffIds.some((d, i) => d !== image.layers[i]?.diffId))
      throw new HoistError("BAD_ARCHIVE", `image ${id}: layers do not match the config's rootfs.diff_ids`);
    staging.writeBlobBytes(image.config, id);
    const manifest = this.manifestFor(image, id, staging);
    const state = this.store.state();
    const size = diffIds.reduce(
      (n, d) => n + (this.layers.get(digestHex(d))?.size ?? state.layers[digestHex(d)]?.size ?? 0),
      0,
    );
    const record: ImageRecord = {
      id,
      names: [],
      digests: [],
      manifest,
      layers: diffIds,
      added: new Date().toISOString(),
      size,
      ...(config.created ? { created: config.created } : {}),
      ...(this.options.parent ? { parent: this.options.parent } : {}),
    };
    this.images.push({ record, names: image.names });
    return id;
  }

  /** Keep the source's manifest when its layer blobs are the ones stored; otherwise write an OCI manifest. */
  private manifestFor(image: SinkImage, id: Digest, staging: Staging): Descriptor {
    const layerDescs = image.layers.map((l) => this.storedDescriptor(l));
    if (image.manifest && layerDescs.every((d, i) => d.digest === image.layers[i]?.descriptor.digest)) {
      staging.writeBlobBytes(image.manifest.bytes, image.manifest.digest);
      return { mediaType: image.manifest.mediaType, digest: image.manifest.digest, size: image.manifest.bytes.length };
    }
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        config: { mediaType: MediaType.ociConfig, digest: id, size: image.config.length },
        layers: layerDescs,
      }),
    );
    const digest = sha256(body);
    staging.writeBlobBytes(body, digest);
    return { mediaType: MediaType.ociManifest, digest, size: body.length };
  }

  private storedDescriptor(l: LayerRef): Descriptor {
    const hex = digestHex(l.diffId);
    const rec = this.layers.get(hex) ?? this.store.state().layers[hex];
    const blob = rec?.blobs.find((b) => b.digest === l.descriptor.digest) ?? rec?.blobs[0];
    if (!blob) throw new HoistError("INTERNAL", `layer ${l.diffId} was not stored`);
    return {
      mediaType: blob.compression === "none" ? ociLayerType("none") : blob.mediaType,
      digest: blob.digest,
      size: blob.size,
    };
  }

  async commit(): Promise<void> {
    const staging = await this.stage();
    try {
      await this.store.commit(staging, (state) => {
        for (const [hex, rec] of this.layers) {
          const existing = state.layers[hex];
          if (!existing) state.layers[hex] = rec;
          else
            for (const b of rec.blobs) if (!existing.blobs.some((x) => x.digest === b.digest)) existing.blobs.push(b);
        }
        for (const { record, names } of this.images) {
          for (const d of record.layers)
            if (!state.layers[digestHex(d)])
              throw new HoistError(
                "CONFLICT",
                `layer ${d} was removed by another process while this image was added; try again`,
              );
          const hex = digestHex(record.id);
          const existing = state.images[hex];
          if (existing) {
            if (!existing.created && record.created) existing.created = record.created;
          } else state.images[hex] = record;
          for (const n of names) setName(state, record.id, n);
        }
      });
    } finally {
      this.dispose();
    }
  }

  async abort(): Promise<void> {
    this.dispose();
  }

  private dispose(): void {
    this.staging?.dispose();
    this.staging = undefined;
  }
}

interface TeeResult {
  blobDigest: Digest;
  blobSize: number;
  diffId: Digest;
  tarSize: number;
  contentSize: number;
  compression: "none" | "gzip" | "zstd";
}

/** One pass over a layer blob: keep its bytes in `file`, and extract its (decompressed) tar into `dir`. */
export async function extractTee(
  blob: Readable,
  file: string,
  dir: string,
  maxBytes: number | undefined,
  signal: AbortSignal | undefined,
): Promise<TeeResult> {
  const fd = openSync(file, "w", 0o644);
  const hash = nodeCrypto().createHash("sha256");
  let size = 0;
  const tee = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      cb(null, chunk);
    },
  });
  blob.on("error", (e) => tee.destroy(e));
  try {
    const plain = await decompress(blob.pipe(tee));
    mkdirSync(dir, { recursive: true });
    const stats = await extractLayer(plain.stream, dir, {
      ...(maxBytes ? { maxBytes } : {}),
      ...(signal ? { signal } : {}),
    });
    await finished(tee); // the blob's digest covers every byte, even past the tar's end
    fsyncSync(fd);
    return {
      blobDigest: `sha256:${hash.digest("hex")}` as Digest,
      blobSize: size,
      diffId: stats.diffID,
      tarSize: stats.bytes,
      contentSize: stats.contentBytes,
      compression: plain.compression,
    };
  } finally {
    closeSync(fd);
  }
}
