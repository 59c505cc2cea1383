// A registry repository as a copy destination. Before a layer is streamed: HEAD (already there?), then a
// cross-repository mount from a repository known to have it. Layers go compressed: the blob as the source
// keeps it, a compressed copy the source also has, or compressed here (into a temp file, so a failed upload
// can start over). The manifest is pushed unchanged when every blob is the one it names.
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { HoistError } from "../../errors.ts";
import {
  MediaType,
  dockerLayerType,
  hasher,
  layerCompressionOf,
  ociLayerType,
  parseManifest,
  sha256,
  type Compression,
  type Descriptor,
  type Digest,
} from "../../oci/index.ts";
import { compress, decompress } from "../../streams/index.ts";
import { name, parseNormalizedNamed, type Reference } from "../../ref/index.ts";
import type { ImageSink, LayerRef, ManifestBytes, SinkImage } from "../types.ts";
import { registryClient, type RegistryClient, type RemoteOptions } from "./client.ts";
import { putManifest } from "./manifest.ts";
import { blobExists, mountBlob, uploadBlob, type MountResult } from "./upload.ts";

export type PushEvent =
  | { type: "layer-exists"; layer: LayerRef }
  | { type: "layer-mounted"; layer: LayerRef; from: string }
  | { type: "layer-pushing"; layer: LayerRef; bytes: number; total: number }
  | { type: "layer-pushed"; layer: LayerRef; descriptor: Descriptor }
  | { type: "manifest-pushed"; tag: string; digest: Digest; size: number };

export interface RemoteSinkOptions extends RemoteOptions {
  /** Push every layer with this compression (recompressing when needed); plain layers get gzip regardless. */
  compression?: "gzip" | "zstd";
  /** Open a blob the source holds, by descriptor: a failed upload starts over, a kept compressed copy is used. */
  openBlob?: (desc: Descriptor) => Promise<Readable>;
  /** Other blobs the source holds for the same layer (e.g. a compressed copy next to the plain tar). */
  alternatives?: (layer: LayerRef) => Descriptor[];
  /** Repositories of this registry that may hold the blob already (mount candidates), best first. */
  mountFrom?: (layer: LayerRef) => string[];
  onEvent?: (e: PushEvent) => void;
  /** PATCH uploads in chunks of this many bytes instead of one stream. */
  chunkSize?: number;
  signal?: AbortSignal;
}

interface Plan {
  /** The blob to push, when known before streaming. */
  desc?: Descriptor;
  /** Where its bytes come from. */
  kind: "as-is" | "alt" | "compress";
  compression: Compression;
}

const MAX_MOUNT_TRIES = 3;

export class RemoteSink implements ImageSink {
  readonly description: string;
  readonly capabilities = { reusesLayers: true, wantsUncompressed: false, parallelLayers: 3 };
  readonly ref: Reference;
  readonly client: RegistryClient;
  private readonly options: RemoteSinkOptions;
  private readonly repo: string;
  /** diffID → the blob that holds the layer in the registry now. */
  private readonly pushed = new Map<string, Descriptor>();
  private readonly sessions = new Map<string, URL>();
  /** Digest and size of each manifest pushed, by tag ("" for a push by digest). */
  readonly results: { tag: string; digest: Digest; size: number }[] = [];

  constructor(ref: Reference, options: RemoteSinkOptions = {}) {
    this.ref = ref;
    this.options = options;
    this.repo = ref.path;
    this.description = `docker://${name(ref)}`;
    this.client = registryClient(ref.domain, options);
  }

  private emit(e: PushEvent): void {
    this.options.onEvent?.(e);
  }

  private plan(layer: LayerRef): Plan {
    const want: Compression = this.options.compression ?? (layer.compression === "none" ? "gzip" : layer.compression);
    if (layer.compression === want) return { desc: layer.descriptor, kind: "as-is", compression: want };
    const alt = this.options.openBlob
      ? this.options.alternatives?.(layer).find((d) => layerCompressionOf(d.mediaType) === want)
      : undefined;
    if (alt) return { desc: alt, kind: "alt", compression: want };
    return { kind: "compress", compression: want };
  }

  async hasLayer(layer: LayerRef): Promise<boolean> {
    if (this.pushed.has(layer.diffId)) return true;
    const p = this.plan(layer);
    if (!p.desc) return false;
    return this.reuse(layer, p.desc);
  }

  /** HEAD, then mounts; records the blob and tells what happened. */
  private async reuse(layer: LayerRef, desc: Descriptor): Promise<boolean> {
    const signal = this.options.signal;
    if (await blobExists(this.client, this.repo, desc.digest, signal)) {
      this.pushed.set(layer.diffId, desc);
      this.emit({ type: "layer-exists", layer });
      return true;
    }
    const candidates = (this.options.mountFrom?.(layer) ?? []).filter((r) => r !== this.repo).slice(0, MAX_MOUNT_TRIES);
    for (const from of candidates) {
      let r: MountResult;
      try {
        r = await mountBlob(this.client, this.repo, desc.digest, from, signal);
      } catch {
        continue; // a mount is only a shortcut
      }
      if (r.mounted) {
        this.pushed.set(layer.diffId, desc);
        this.emit({ type: "layer-mounted", layer, from });
        return true;
      }
      if (r.session) this.sessions.set(layer.diffId, r.session);
    }
    return false;
  }

  async putLayer(layer: LayerRef, blob: Readable, options: { signal?: AbortSignal } = {}): Promise<void> {
    const signal = options.signal ?? this.options.signal;
    const p = this.plan(layer);
    if (p.kind === "compress") {
      await this.compressAndPush(layer, blob, p.compression, signal);
      return;
    }
    const desc = p.desc as Descriptor;
    let open: () => Promise<Readable>;
    if (p.kind === "alt") {
      blob.destroy();
      const reopen = this.options.openBlob as (d: Descriptor) => Promise<Readable>;
      open = () => reopen(desc);
    } else {
      let first = true;
      open = async () => {
        if (first) {
          first = false;
          return blob;
        }
        if (!this.options.openBlob)
          throw new HoistError("REGISTRY", `uploading ${desc.digest} failed and the source cannot send it again`);
        return this.options.openBlob(desc);
      };
    }
    await this.upload(layer, desc, open, signal);
  }

  private async upload(
    layer: LayerRef,
    desc: Descriptor,
    open: () => Promise<Readable>,
    signal?: AbortSignal,
  ): Promise<void> {
    const session = this.sessions.get(layer.diffId);
    this.sessions.delete(layer.diffId);
    await uploadBlob(this.client, this.repo, { digest: desc.digest, size: desc.size }, open, {
      ...(signal ? { signal } : {}),
      ...(session ? { session } : {}),
      ...(this.options.chunkSize ? { chunkSize: this.options.chunkSize } : {}),
      onProgress: (bytes) => this.emit({ type: "layer-pushing", layer, bytes, total: desc.size }),
    });
    this.pushed.set(layer.diffId, desc);
    this.emit({ type: "layer-pushed", layer, descriptor: desc });
  }

  /** Compress into a temp file (digest known at the end), then reuse or upload it. */
  private async compressAndPush(layer: LayerRef, blob: Readable, c: Compression, signal?: AbortSignal): Promise<void> {
    const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), "hoist-push-"));
    try {
      const file = join(dir, "blob");
      const h = hasher();
      let size = 0;
      const tap = new Transform({
        highWaterMark: 1 << 20,
        transform(chunk: Buffer, _e, cb) {
          h.update(chunk);
          size += chunk.length;
          cb(null, chunk);
        },
      });
      const plain = (await decompress(blob)).stream;
      await pipeline(compress(plain, c), tap, createWriteStream(file), signal ? { signal } : {});
      const desc: Descriptor = { mediaType: ociLayerType(c), digest: h.digest(), size };
      if (await this.reuse(layer, desc)) return;
      await this.upload(layer, desc, async () => createReadStream(file, { highWaterMark: 1 << 20 }), signal);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async putImage(image: SinkImage, options: { signal?: AbortSignal } = {}): Promise<Digest> {
    const signal = options.signal ?? this.options.signal;
    const id = sha256(image.config);
    const configDesc = { digest: id, size: image.config.length };
    if (!(await blobExists(this.client, this.repo, id, signal)))
      await uploadBlob(
        this.client,
        this.repo,
        configDesc,
        async () => Readable.from([image.config]),
        signal ? { signal } : {},
      );
    const layers = image.layers.map((l) => {
      const d = this.pushed.get(l.diffId);
      if (!d) throw new HoistError("INTERNAL", `layer ${l.diffId} was not pushed`);
      return d;
    });
    const manifest = this.manifestFor(image, layers, id);
    const tags = this.tagsFor(image);
    for (const tag of tags.length ? tags : [manifest.digest]) {
      const digest = await putManifest(this.client, this.repo, tag, manifest, signal);
      const r = { tag: tags.length ? tag : "", digest, size: manifest.bytes.length };
      this.results.push(r);
      this.emit({ type: "manifest-pushed", ...r });
    }
    return id;
  }

  /** The tags of this repository among the image's names (normalized names). */
  private tagsFor(image: SinkImage): string[] {
    const repo = name(this.ref);
    const tags: string[] = [];
    for (const n of image.names) {
      const r = parseNormalizedNamed(n);
      if (name(r) === repo && r.tag !== undefined) tags.push(r.tag);
    }
    if (tags.length === 0 && this.ref.tag && image.names.length === 0) return [this.ref.tag];
    return [...new Set(tags)];
  }

  private manifestFor(image: SinkImage, layers: Descriptor[], configDigest: Digest): ManifestBytes {
    const original = image.manifest;
    if (original) {
      const m = parseManifest(original.bytes);
      if (
        m.config.digest === configDigest &&
        m.layers.length === layers.length &&
        m.layers.every((d, i) => d.digest === layers[i]?.digest)
      )
        return original;
    }
    const docker =
      original?.mediaType === MediaType.dockerManifest &&
      layers.every((d) => layerCompressionOf(d.mediaType) !== "zstd");
    const layerType = (d: Descriptor): string => {
      const c = layerCompressionOf(d.mediaType) ?? "gzip";
      return docker ? dockerLayerType(c) : ociLayerType(c);
    };
    const doc = {
      schemaVersion: 2,
      mediaType: docker ? MediaType.dockerManifest : MediaType.ociManifest,
      config: {
        mediaType: docker ? MediaType.dockerConfig : MediaType.ociConfig,
        size: image.config.length,
        digest: configDigest,
      },
      layers: layers.map((d) => ({ mediaType: layerType(d), size: d.size, digest: d.digest })),
    };
    const bytes = Buffer.from(JSON.stringify(doc, null, 3));
    return { bytes, mediaType: doc.mediaType, digest: sha256(bytes) };
  }

  async commit(): Promise<void> {}

  async abort(): Promise<void> {}
}
