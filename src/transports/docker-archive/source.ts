// docker-archive as a copy source: what `docker save` writes (docker 25+'s OCI-layout form and the older
// <id>/layer.tar form), what `podman save --format docker-archive` writes, gzip- or zstd-compressed or not.
// manifest.json is the entry point; an archive with only index.json is read as an OCI layout.
import type { Readable } from "node:stream";
import { HoistError } from "../../errors.ts";
import { detectCompression } from "../../streams/index.ts";
import { dockerLayerType, hasher, isDigest, parseImageConfig } from "../../oci/index.ts";
import type { Digest, Platform } from "../../oci/index.ts";
import type { ImageSource, LayerRef, SourceImage } from "../types.ts";
import { ArchiveFile, type ArchiveInput, type ArchiveReadOptions } from "../archive-common/archive-file.ts";
import { normalizeArchiveName } from "../archive-common/names.ts";
import { MAX_CONFIG_BYTES, readOciImages } from "../archive-common/oci-reader.ts";
import { hostPlatform } from "../archive-common/platform.ts";
import type { TarIndex, TarMember } from "../archive-common/tar-index.ts";
import { MAX_DOCKER_MANIFEST_BYTES, parseDockerManifest, type DockerManifestItem } from "./manifest.ts";

export interface DockerArchiveSourceOptions extends ArchiveReadOptions {
  /** For an archive holding only an OCI index: which platform to take from multi-platform images (default: this host's). */
  platform?: Platform;
}

/** A source over a docker-archive file or stream (stdin is spooled to a temp file on first use). */
export function openDockerArchiveSource(input: ArchiveInput, options: DockerArchiveSourceOptions = {}): ImageSource {
  return new DockerArchiveSource(input, options);
}

class DockerArchiveSource implements ImageSource {
  readonly description: string;
  readonly #file: ArchiveFile;
  readonly #platform: Platform;
  #images: Promise<SourceImage[]> | undefined;

  constructor(input: ArchiveInput, options: DockerArchiveSourceOptions) {
    this.description = `docker-archive:${typeof input === "string" ? input : "-"}`;
    this.#file = new ArchiveFile(input, this.description, options);
    this.#platform = options.platform ?? hostPlatform();
  }

  images(options: { signal?: AbortSignal } = {}): Promise<SourceImage[]> {
    this.#images ??= this.#read(options.signal);
    return this.#images;
  }

  async #read(signal?: AbortSignal): Promise<SourceImage[]> {
    const index = await this.#file.index(signal ? { signal } : {});
    const manifest = await index.read("manifest.json", MAX_DOCKER_MANIFEST_BYTES);
    if (manifest !== undefined) return dockerImages(index, parseDockerManifest(manifest, this.description));
    if (index.file("index.json") !== undefined) {
      return readOciImages(index, {
        platform: this.#platform,
        requireLayoutFile: false,
        ...(signal ? { signal } : {}),
      });
    }
    throw new HoistError("BAD_ARCHIVE", `${this.description}: no manifest.json in the archive, not a docker archive`);
  }

  async close(): Promise<void> {
    this.#images = undefined;
    await this.#file.close();
  }
}

/** One image per config file; items naming the same config merge their tags. */
function dockerImages(index: TarIndex, items: DockerManifestItem[]): SourceImage[] {
  const byConfig = new Map<string, { item: DockerManifestItem; names: string[] }>();
  for (const item of items) {
    const names = item.RepoTags.map((t) => normalizeArchiveName(t, `${index.description}: manifest.json`)).filter(
      (n) => n !== undefined,
    );
    const entry = byConfig.get(item.Config);
    if (entry === undefined) byConfig.set(item.Config, { item, names: [...new Set(names)] });
    else for (const n of names) if (!entry.names.includes(n)) entry.names.push(n);
  }
  return [...byConfig.values()].map(({ item, names }) => dockerImage(index, item, names));
}

/** The digest a path names, when it is a blob path (blobs/sha256/<hex>) or docker's <hex>.json config name. */
function digestInPath(path: string): Digest | undefined {
  const m = /(?:^|\/)blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(path) ?? /^()([a-f0-9]{64})\.json$/.exec(path);
  if (!m) return undefined;
  const d = `${m[1] || "sha256"}:${m[2]}`;
  return isDigest(d) ? d : undefined;
}

function dockerImage(index: TarIndex, item: DockerManifestItem, names: string[]): SourceImage {
  const where = index.description;
  let config: Promise<Buffer> | undefined;
  let layers: Promise<LayerRef[]> | undefined;
  const members = new Map<string, TarMember>();
  const readConfig = async (): Promise<Buffer> => {
    const bytes = await index.read(item.Config, MAX_CONFIG_BYTES);
    if (bytes === undefined) throw new HoistError("BAD_ARCHIVE", `${where}: config ${item.Config} is missing`);
    const expected = digestInPath(item.Config);
    if (expected !== undefined) {
      const h = hasher(expected.slice(0, expected.indexOf(":")));
      h.update(bytes);
      if (h.digest() !== expected)
        throw new HoistError("DIGEST_INVALID", `${where}: config ${item.Config} does not match its digest`);
    }
    return bytes;
  };
  const readLayers = async (): Promise<LayerRef[]> => {
    const diffIds = parseImageConfig(await (config ??= readConfig())).rootfs.diff_ids;
    if (diffIds.length !== item.Layers.length)
      throw new HoistError(
        "BAD_ARCHIVE",
        `${where}: manifest.json lists ${item.Layers.length} layers but the config has ${diffIds.length}`,
      );
    const refs: LayerRef[] = [];
    for (const [i, path] of item.Layers.entries()) {
      const m = index.file(path);
      if (m === undefined) throw new HoistError("BAD_ARCHIVE", `${where}: layer ${path} is missing`);
      const ref = await layerRef(index, m, path, diffIds[i] as Digest);
      members.set(ref.descriptor.digest, m);
      refs.push(ref);
    }
    return refs;
  };
  return {
    names,
    config: () => (config ??= readConfig()),
    manifest: async () => undefined,
    layers: () => (layers ??= readLayers()),
    openLayer: async (layer, options = {}) => {
      const m = members.get(layer.descriptor.digest);
      if (m === undefined)
        throw new HoistError("NOT_FOUND", `${where}: no layer ${layer.descriptor.digest} in this image`);
      return index.openMember(m, options);
    },
  };
}

/** A layer file: plain tars are their diffID; compressed ones are named by their path or hashed here. */
async function layerRef(index: TarIndex, m: TarMember, path: string, diffId: Digest): Promise<LayerRef> {
  const compression = detectCompression(await index.head(m, 6));
  if (compression === "bzip2" || compression === "xz")
    throw new HoistError(
      "UNSUPPORTED",
      `${index.description}: layer ${path} is ${compression}-compressed, which is not supported`,
    );
  const mediaType = dockerLayerType(compression);
  if (compression === "none")
    return { descriptor: { mediaType, digest: diffId, size: m.size }, diffId, compression, uncompressedSize: m.size };
  const digest = digestInPath(path) ?? (await hashMember(index.openMember(m)));
  return { descriptor: { mediaType, digest, size: m.size }, diffId, compression };
}

async function hashMember(stream: Readable): Promise<Digest> {
  const h = hasher();
  for await (const chunk of stream) h.update(chunk as Buffer);
  return h.digest();
}
