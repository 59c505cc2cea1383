// A registry image as a copy source: the tag or digest resolved once (an index narrowed to one platform),
// config and layers fetched lazily, layer blobs streamed with Range resume.
import type { Readable } from "node:stream";
import { HoistError } from "../../errors.ts";
import { readBody } from "../../http/index.ts";
import {
  MediaType,
  isIndexType,
  isManifestType,
  parseImageConfig,
  parseIndex,
  parseManifest,
  type Descriptor,
  type Manifest,
  type Platform,
} from "../../oci/index.ts";
import { familiarName, familiarString, toString, type Reference } from "../../ref/index.ts";
import { layerRefs } from "../archive-common/oci-reader.ts";
import type { ImageSource, LayerRef, ManifestBytes, SourceImage } from "../types.ts";
import { openBlob } from "./blob-reader.ts";
import { registryClient, repoScope, type RegistryClient, type RemoteOptions } from "./client.ts";
import { responseError } from "./errors.ts";
import { digestOf, getManifest } from "./manifest.ts";
import { choosePlatform, defaultPlatform, formatPlatform, platformDistance } from "./platform.ts";
import { Prefetcher, type PrefetchOptions } from "./prefetch.ts";

export const MAX_CONFIG_BYTES = 32 << 20;

export interface RemoteSourceOptions extends RemoteOptions {
  /** The platform to take from an index (default: this machine's). */
  platform?: Platform;
  /** --platform was given: a single-platform image for another platform is refused. */
  platformExplicit?: boolean;
  /** Bytes of a layer received so far. */
  onProgress?: (layer: LayerRef, bytes: number) => void;
  signal?: AbortSignal;
}

export interface Resolved {
  /** What the tag or digest names: an index or an image manifest (its digest is the repo digest). */
  top: ManifestBytes;
  /** The image manifest chosen. */
  manifest: ManifestBytes;
  /** The index entry's platform, when an index was narrowed. */
  platform?: Platform;
}

export class RemoteSource implements ImageSource {
  readonly description: string;
  readonly ref: Reference;
  readonly client: RegistryClient;
  private readonly options: RemoteSourceOptions;
  private resolving: Promise<Resolved> | undefined;
  private list: Promise<SourceImage[]> | undefined;
  private prefetcher: Prefetcher | undefined;

  constructor(ref: Reference, options: RemoteSourceOptions = {}) {
    this.ref = ref;
    this.options = options;
    this.description = `docker://${toString(ref)}`;
    this.client = registryClient(ref.domain, options);
  }

  /** The tag or digest looked up (once): the top manifest and the image manifest for the platform. */
  resolve(): Promise<Resolved> {
    this.resolving ??= this.doResolve();
    return this.resolving;
  }

  private async doResolve(): Promise<Resolved> {
    const signal = this.options.signal;
    const reference = this.ref.digest ?? this.ref.tag ?? "latest";
    const top = await this.fetchManifest(reference, signal);
    if (!isIndexType(top.mediaType)) {
      checkImageManifest(top, this.ref);
      return { top, manifest: top };
    }
    const want = this.options.platform ?? defaultPlatform();
    const index = parseIndex(top.bytes);
    const entry = choosePlatform(index.manifests, want);
    if (!entry) {
      const have = index.manifests
        .filter((d) => d.platform && d.platform.os !== "unknown")
        .map((d) => formatPlatform(d.platform ?? {}));
      throw new HoistError(
        "NOT_FOUND",
        `no matching manifest for ${formatPlatform(want)} in the manifest list entries (${familiarString(this.ref)} has ${have.join(", ") || "none"})`,
      );
    }
    const manifest = await this.fetchManifest(entry.digest, signal);
    if (isIndexType(manifest.mediaType))
      throw new HoistError("UNSUPPORTED", `${familiarString(this.ref)}: nested indexes are not supported`);
    checkImageManifest(manifest, this.ref);
    return { top, manifest, ...(entry.platform ? { platform: entry.platform } : {}) };
  }

  private async fetchManifest(reference: string, signal?: AbortSignal): Promise<ManifestBytes> {
    try {
      return await getManifest(this.client, this.ref.path, reference, signal);
    } catch (e) {
      if (!(e instanceof HoistError)) throw e;
      const name = familiarString(this.ref);
      if (e.code === "NOT_FOUND" && !/name unknown/.test(e.message))
        throw new HoistError("NOT_FOUND", `manifest for ${name} not found: ${e.message}`, { cause: e });
      if (
        e.code === "UNAUTHORIZED" ||
        e.code === "DENIED" ||
        (e.code === "NOT_FOUND" && /name unknown/.test(e.message))
      )
        throw new HoistError(
          e.code,
          `pull access denied for ${familiarName(this.ref)}, repository does not exist or may require 'hoist login': ${e.message}`,
          { cause: e },
        );
      throw e;
    }
  }

  images(): Promise<SourceImage[]> {
    this.list ??= this.resolve().then((r) => [this.image(r.manifest)]);
    return this.list;
  }

  private image(manifest: ManifestBytes): SourceImage {
    let parsed: Manifest | undefined;
    let config: Promise<Buffer> | undefined;
    const man = (): Manifest => (parsed ??= parseManifest(manifest.bytes));
    const readConfig = (): Promise<Buffer> => (config ??= this.fetchConfig(man().config));
    return {
      names: this.ref.tag !== undefined && this.ref.digest === undefined ? [toString(this.ref)] : [],
      config: readConfig,
      manifest: async () => manifest,
      layers: async () => {
        const refs = layerRefs(this.description, man(), await readConfig());
        await this.checkPlatform(await readConfig());
        return refs;
      },
      openLayer: (layer, options = {}) => this.openLayer(layer, options.signal),
    };
  }

  private async checkPlatform(configBytes: Buffer): Promise<void> {
    const want = this.options.platform;
    if (!this.options.platformExplicit || !want) return;
    const have = configPlatform(configBytes);
    if (platformDistance(have, want) === undefined)
      throw new HoistError(
        "NOT_FOUND",
        `image with reference ${familiarString(this.ref)} was found but does not match the specified platform: wanted ${formatPlatform(want)}, actual: ${formatPlatform(have)}`,
      );
  }

  private async fetchConfig(desc: Descriptor): Promise<Buffer> {
    if (desc.size > MAX_CONFIG_BYTES)
      throw new HoistError("BAD_ARCHIVE", `config ${desc.digest} is larger than ${MAX_CONFIG_BYTES} bytes`);
    const res = await this.client.send({
      method: "GET",
      path: `/v2/${this.ref.path}/blobs/${desc.digest}`,
      scopes: [repoScope(this.ref.path)],
      ...(this.options.signal ? { signal: this.options.signal } : {}),
    });
    if (res.status !== 200) throw await responseError(res, `fetching config ${desc.digest}`);
    const bytes = await readBody(res, MAX_CONFIG_BYTES);
    const got = digestOf(bytes, desc.digest);
    if (got !== desc.digest || bytes.length !== desc.size)
      throw new HoistError(
        "DIGEST_INVALID",
        `config ${desc.digest} from ${this.client.registry}/${this.ref.path} has digest ${got} (${bytes.length} bytes)`,
      );
    parseImageConfig(bytes);
    return bytes;
  }

  /**
   * Fetch these layers ahead, a few at a time, in the order copy will read them (it reads the first one
   * directly); the caller leaves out what the sink already has.
   */
  prefetch(layers: LayerRef[], options: PrefetchOptions = {}): void {
    this.prefetcher ??= new Prefetcher((layer, signal) => this.fetchLayer(layer, signal), options);
    this.prefetcher.schedule(layers);
  }

  private async openLayer(layer: LayerRef, signal?: AbortSignal): Promise<Readable> {
    return this.prefetcher?.open(layer) ?? this.fetchLayer(layer, signal);
  }

  private fetchLayer(layer: LayerRef, signal?: AbortSignal): Promise<Readable> {
    const onProgress = this.options.onProgress;
    const signals = [signal, this.options.signal].filter((s): s is AbortSignal => s !== undefined);
    const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    return openBlob(this.client, this.ref.path, layer.descriptor, {
      ...(combined ? { signal: combined } : {}),
      ...(onProgress ? { onProgress: (n: number) => onProgress(layer, n) } : {}),
    });
  }

  async close(): Promise<void> {
    this.prefetcher?.close();
    this.prefetcher = undefined;
  }
}

function checkImageManifest(m: ManifestBytes, ref: Reference): void {
  if (m.mediaType === MediaType.dockerManifestV1 || m.mediaType === MediaType.dockerManifestV1Signed)
    throw new HoistError(
      "UNSUPPORTED",
      `${familiarString(ref)} is a Docker Image manifest version 2, schema 1 image, which is no longer supported: push it again with a current client`,
    );
  if (!isManifestType(m.mediaType))
    throw new HoistError("UNSUPPORTED", `${familiarString(ref)}: unsupported manifest type ${m.mediaType}`);
  const manifest = parseManifest(m.bytes);
  const ct = manifest.config.mediaType;
  if (ct !== MediaType.ociConfig && ct !== MediaType.dockerConfig)
    throw new HoistError("UNSUPPORTED", `${familiarString(ref)} is not a container image (config type ${ct})`);
}

/** The platform an image config declares. */
export function configPlatform(configBytes: Buffer): Platform {
  const c = parseImageConfig(configBytes);
  return { os: c.os, architecture: c.architecture, ...(c.variant ? { variant: c.variant } : {}) };
}
