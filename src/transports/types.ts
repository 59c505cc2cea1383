// Every place an image can live is a transport: it gives an ImageSource (read) and/or an ImageSink (write).
// copy(source, sink) moves images between any two (src/copy/).
import type { Readable } from "node:stream";
import type { Compression, Descriptor, Digest } from "../oci/index.ts";

/** One layer of a source image: its blob descriptor as stored there, and its diffID from the config. */
export interface LayerRef {
  /** The blob as the source holds it (compressed or not); mediaType tells the compression.
   * descriptor.size is -1 when the size is not known in advance (an uncompressed view of a compressed blob). */
  descriptor: Descriptor;
  /** sha256 of the uncompressed tar (the config's rootfs.diff_ids entry). */
  diffId: Digest;
  /** Size of the uncompressed tar, when the source knows it (docker-archive writers need it up front). */
  uncompressedSize?: number;
  compression: Compression;
}

export interface ManifestBytes {
  bytes: Buffer;
  mediaType: string;
  digest: Digest;
}

/** One image as a source offers it. Accessors are lazy and may fail. */
export interface SourceImage {
  /** Fully normalized names (e.g. docker.io/library/busybox:latest) the source gives this image; may be empty. */
  names: string[];
  /** The exact config bytes (the image ID is their sha256). */
  config(): Promise<Buffer>;
  /** The image's manifest as the source holds it, when it has one. */
  manifest(): Promise<ManifestBytes | undefined>;
  /** The layers, bottom first, in config diff_ids order. */
  layers(): Promise<LayerRef[]>;
  /** The raw blob stream of one layer, exactly as the descriptor says (verify with the descriptor). */
  openLayer(layer: LayerRef, options?: { signal?: AbortSignal }): Promise<Readable>;
}

export interface ImageSource {
  readonly description: string;
  /** The images this source holds (an archive may hold several; a registry reference one). */
  images(options?: { signal?: AbortSignal }): Promise<SourceImage[]>;
  close(): Promise<void>;
}

export interface SinkCapabilities {
  /** The sink can tell cheaply that it already has a layer, so copy can skip it. */
  reusesLayers: boolean;
  /** The sink wants uncompressed layer tars (docker-archive); copy decompresses for it. */
  wantsUncompressed: boolean;
  /** How many layers the sink takes at once (default 1: one after another). */
  parallelLayers?: number;
}

export interface ImageSink {
  readonly description: string;
  readonly capabilities: SinkCapabilities;
  /** Whether the sink already holds this layer (by diffID, or by blob digest). */
  hasLayer(layer: LayerRef): Promise<boolean>;
  /** Store one layer from its blob stream (as layer.descriptor/compression describe it). */
  putLayer(layer: LayerRef, blob: Readable, options?: { signal?: AbortSignal }): Promise<void>;
  /** Record one image once its layers are in; names may be empty (an untagged image). Returns the image ID. */
  putImage(image: SinkImage, options?: { signal?: AbortSignal }): Promise<Digest>;
  /** Make everything put so far visible at once; nothing is visible before. */
  commit(options?: { signal?: AbortSignal }): Promise<void>;
  /** Throw away everything put so far (called on failure). */
  abort(): Promise<void>;
}

export interface SinkImage {
  config: Buffer;
  layers: LayerRef[];
  manifest?: ManifestBytes;
  names: string[];
}

/** Events copy emits; only cli/ draws them. */
export type CopyEvent =
  | { type: "layer-skip"; layer: LayerRef }
  | { type: "layer-start"; layer: LayerRef }
  | { type: "layer-progress"; layer: LayerRef; bytes: number }
  | { type: "layer-done"; layer: LayerRef }
  | { type: "image-done"; id: Digest; names: string[] };
