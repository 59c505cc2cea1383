// The sink shared by docker-archive, oci-archive and oci-layout: layers and configs go to a BlobTarget as they
// come, each image gets a manifest, and index.json (plus docker's files) is written at commit.
import { addAbortSignal, type Readable } from "node:stream";
import { HoistError } from "../../errors.ts";
import { decompress } from "../../streams/index.ts";
import {
  layerCompressionOf,
  MediaType,
  ociLayerType,
  parseImageConfig,
  parseManifest,
  sha256,
} from "../../oci/index.ts";
import type { Descriptor, Digest, ImageConfig, Platform } from "../../oci/index.ts";
import type { ImageSink, LayerRef, ManifestBytes, SinkCapabilities, SinkImage } from "../types.ts";
import type { BlobTarget, TopFile } from "./blob-target.ts";
import { CONTAINERD_NAME, familiarTag, OCI_REF_NAME, sinkNames } from "./names.ts";

/** One image as the sink wrote it. */
export interface SavedImage {
  /** The image ID: the config's digest. */
  id: Digest;
  /** Normalized names (docker.io/library/busybox:latest). */
  names: string[];
  diffIds: Digest[];
  /** The layer blobs as the manifest lists them. */
  layers: Descriptor[];
  manifest: Descriptor;
  platform: Platform;
}

export interface LayoutSinkOptions {
  description: string;
  /** docker-archive: layers stored as plain tars (their digest is the diffID), manifests always written anew. */
  uncompressed: boolean;
  /**
   * How index.json names an image: "docker" as docker 25+ does (containerd's annotation holds the full name,
   * the OCI ref name just the tag); "oci" as podman does (the OCI ref name holds the full name).
   */
  refNames: "docker" | "oci";
  /** More top-level files made from the saved images (docker's manifest.json and repositories). */
  extraFiles?: (images: readonly SavedImage[]) => TopFile[];
}

export class LayoutSink implements ImageSink {
  readonly description: string;
  readonly capabilities: SinkCapabilities;
  readonly #target: BlobTarget;
  readonly #options: LayoutSinkOptions;
  readonly #images: SavedImage[] = [];

  constructor(target: BlobTarget, options: LayoutSinkOptions) {
    this.#target = target;
    this.#options = options;
    this.description = options.description;
    this.capabilities = { reusesLayers: true, wantsUncompressed: options.uncompressed };
  }

  /** The blob digest a layer has here. */
  #blobDigest(layer: LayerRef): Digest {
    return this.#options.uncompressed ? layer.diffId : layer.descriptor.digest;
  }

  async hasLayer(layer: LayerRef): Promise<boolean> {
    return (await this.#target.blobSize(this.#blobDigest(layer))) !== undefined;
  }

  async putLayer(layer: LayerRef, blob: Readable, options: { signal?: AbortSignal } = {}): Promise<void> {
    // The blob may fail (a digest check at its end) before it is consumed; the consumer still sees the error.
    blob.on("error", ignore);
    // Cancelling must end the read even when the blob's own source stops without ending it (a broken pipe upstream).
    if (options.signal) addAbortSignal(options.signal, blob);
    if (!this.#options.uncompressed) {
      await this.#target.putStream(layer.descriptor.digest, layer.descriptor.size, blob, options.signal);
      return;
    }
    let plain = blob;
    let size = layer.descriptor.size;
    if (layer.compression !== "none") {
      plain = (await decompress(blob)).stream;
      plain.on("error", ignore);
      size = layer.uncompressedSize ?? -1;
    }
    await this.#target.putStream(layer.diffId, size, plain, options.signal);
  }

  async putImage(image: SinkImage): Promise<Digest> {
    const config = parseImageConfig(image.config);
    const id = sha256(image.config);
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== image.layers.length || diffIds.some((d, i) => d !== image.layers[i]?.diffId))
      throw new HoistError("INVALID_ARGUMENT", `image ${id}: its layers do not match the config's rootfs.diff_ids`);
    await this.#target.putBytes(id, image.config);
    const layers: Descriptor[] = [];
    for (const layer of image.layers) layers.push(await this.#layerDescriptor(layer));
    const manifest = this.#reusable(image.manifest, id, layers) ?? synthesize(id, image.config.length, layers);
    await this.#target.putBytes(manifest.digest, manifest.bytes);
    const names = sinkNames(image.names);
    const same = this.#images.find((i) => i.id === id && i.manifest.digest === manifest.digest);
    if (same) {
      for (const n of names) if (!same.names.includes(n)) same.names.push(n);
      return id;
    }
    this.#images.push({
      id,
      names,
      diffIds,
      layers,
      manifest: { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.bytes.length },
      platform: platformOf(config),
    });
    return id;
  }

  async #layerDescriptor(layer: LayerRef): Promise<Descriptor> {
    const digest = this.#blobDigest(layer);
    const size = await this.#target.blobSize(digest);
    if (size === undefined)
      throw new HoistError("INTERNAL", `${this.description}: layer ${digest} (diffID ${layer.diffId}) was not written`);
    if (this.#options.uncompressed) return { mediaType: MediaType.ociLayer, digest, size };
    const d = layer.descriptor;
    return {
      mediaType: ociLayerMediaType(d.mediaType, layer.compression),
      digest,
      size,
      ...(d.urls ? { urls: d.urls } : {}),
      ...(d.annotations ? { annotations: d.annotations } : {}),
    };
  }

  /** The source's manifest, kept byte for byte when it is an OCI manifest of exactly these blobs. */
  #reusable(m: ManifestBytes | undefined, id: Digest, layers: Descriptor[]): ManifestBytes | undefined {
    if (
      this.#options.uncompressed ||
      m === undefined ||
      m.mediaType !== MediaType.ociManifest ||
      sha256(m.bytes) !== m.digest
    )
      return undefined;
    let parsed;
    try {
      parsed = parseManifest(m.bytes);
    } catch {
      return undefined;
    }
    if (parsed.config.digest !== id || parsed.layers.length !== layers.length) return undefined;
    const same = parsed.layers.every(
      (l, i) => l.digest === layers[i]?.digest && l.size === layers[i]?.size && l.mediaType === layers[i]?.mediaType,
    );
    return same ? m : undefined;
  }

  async commit(options: { signal?: AbortSignal } = {}): Promise<void> {
    const index = this.#images.flatMap((i) => indexEntries(i, this.#options.refNames));
    const files = this.#options.extraFiles?.(this.#images) ?? [];
    await this.#target.commit(index, files, options.signal);
  }

  async abort(): Promise<void> {
    await this.#target.abort();
  }
}

function ignore(): void {}

/** Docker's layer types become their OCI twins; OCI types stay as they are. */
function ociLayerMediaType(mediaType: string, compression: LayerRef["compression"]): string {
  if (mediaType.startsWith("application/vnd.oci.image.layer.") && layerCompressionOf(mediaType) === compression)
    return mediaType;
  if (mediaType === MediaType.dockerLayerForeignGzip) return MediaType.ociLayerNondistributableGzip;
  return ociLayerType(compression);
}

function synthesize(configDigest: Digest, configSize: number, layers: Descriptor[]): ManifestBytes {
  const doc = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: configDigest, size: configSize },
    layers,
  };
  const bytes = Buffer.from(JSON.stringify(doc));
  return { bytes, mediaType: MediaType.ociManifest, digest: sha256(bytes) };
}

function platformOf(config: ImageConfig): Platform {
  return {
    architecture: config.architecture,
    os: config.os,
    ...(config["os.version"] ? { "os.version": config["os.version"] } : {}),
    ...(config.variant ? { variant: config.variant } : {}),
  };
}

/** index.json entries for one image: one per name (untagged: one without a name). */
export function indexEntries(image: SavedImage, style: "docker" | "oci"): Descriptor[] {
  const base = { mediaType: image.manifest.mediaType, digest: image.manifest.digest, size: image.manifest.size };
  const named = image.names.flatMap((n) => {
    const t = familiarTag(n);
    if (t === undefined) return [];
    const annotations =
      style === "docker" ? { [CONTAINERD_NAME]: t.full, [OCI_REF_NAME]: t.tag } : { [OCI_REF_NAME]: t.full };
    return [{ ...base, annotations, platform: image.platform }];
  });
  return named.length > 0 ? named : [{ ...base, platform: image.platform }];
}
