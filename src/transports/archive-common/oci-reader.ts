// Reading an OCI image layout (a directory, or the inside of an archive): index.json, nested indexes,
// manifests and configs, every blob checked against its descriptor.
import type { Readable } from "node:stream";
import { HoistError, isHoistError } from "../../errors.ts";
import {
  digestAlgorithm,
  digestHex,
  hasher,
  isIndexType,
  isManifestType,
  layerCompressionOf,
  MediaType,
  parseImageConfig,
  parseIndex,
  parseManifest,
  sniffMediaType,
} from "../../oci/index.ts";
import type { Descriptor, Digest, Manifest, Platform } from "../../oci/index.ts";
import type { LayerRef, ManifestBytes, SourceImage } from "../types.ts";
import type { FileReader } from "./file-reader.ts";
import { nameFromAnnotations } from "./names.ts";
import { platformMatches, platformString } from "./platform.ts";

export const MAX_INDEX_BYTES = 8 << 20;
export const MAX_MANIFEST_BYTES = 8 << 20;
export const MAX_CONFIG_BYTES = 32 << 20;
const MAX_DEPTH = 4;

export interface OciReadOptions {
  /** Which image of a multi-platform index to take. */
  platform: Platform;
  /** Whether the oci-layout file must be there (an OCI layout); docker-archive's fallback does not ask for it. */
  requireLayoutFile?: boolean;
  signal?: AbortSignal;
}

/** The path of a blob in a layout. */
export function blobPath(digest: Digest): string {
  return `blobs/${digestAlgorithm(digest)}/${digestHex(digest)}`;
}

/** A blob read whole and checked against its descriptor (size first, then digest). */
export async function readBlob(reader: FileReader, desc: Descriptor, max: number, what: string): Promise<Buffer> {
  if (desc.size > max)
    throw new HoistError("BAD_ARCHIVE", `${reader.description}: ${what} ${desc.digest} is larger than ${max} bytes`);
  const bytes = await reader.read(blobPath(desc.digest), max);
  if (bytes === undefined)
    throw new HoistError("BAD_ARCHIVE", `${reader.description}: ${what} ${desc.digest} is missing`);
  if (bytes.length !== desc.size)
    throw new HoistError(
      "SIZE_INVALID",
      `${reader.description}: ${what} ${desc.digest} has ${bytes.length} bytes, expected ${desc.size}`,
    );
  const h = hasher(digestAlgorithm(desc.digest));
  h.update(bytes);
  const actual = h.digest();
  if (actual !== desc.digest)
    throw new HoistError("DIGEST_INVALID", `${reader.description}: ${what} ${desc.digest} has digest ${actual}`);
  return bytes;
}

/** The images of a layout, in index.json order; one image per manifest (their names merged). */
export async function readOciImages(reader: FileReader, options: OciReadOptions): Promise<SourceImage[]> {
  const where = reader.description;
  if (options.requireLayoutFile !== false) await checkLayoutFile(reader);
  const indexBytes = await reader.read("index.json", MAX_INDEX_BYTES);
  if (indexBytes === undefined) throw new HoistError("BAD_ARCHIVE", `${where}: no index.json, not an OCI image layout`);
  const index = parseIndex(indexBytes);
  const byDigest = new Map<string, { desc: Descriptor; manifest: ManifestBytes; names: string[] }>();
  for (const top of index.manifests) {
    options.signal?.throwIfAborted();
    const name = nameFromAnnotations(top.annotations, `${where}: index.json`);
    for (const found of await resolve(reader, top, options.platform, 0)) {
      const entry = byDigest.get(found.desc.digest) ?? { ...found, names: [] };
      byDigest.set(found.desc.digest, entry);
      if (name !== undefined && !entry.names.includes(name)) entry.names.push(name);
    }
  }
  return [...byDigest.values()].map((e) => ociImage(reader, e.manifest, e.names));
}

async function checkLayoutFile(reader: FileReader): Promise<void> {
  const bytes = await reader.read("oci-layout", 1 << 16);
  if (bytes === undefined)
    throw new HoistError("BAD_ARCHIVE", `${reader.description}: no oci-layout file, not an OCI image layout`);
  let version: unknown;
  try {
    version = (JSON.parse(bytes.toString("utf8")) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
  } catch {
    throw new HoistError("BAD_ARCHIVE", `${reader.description}: oci-layout is not valid JSON`);
  }
  if (typeof version !== "string")
    throw new HoistError("BAD_ARCHIVE", `${reader.description}: oci-layout has no imageLayoutVersion`);
  if (!/^1\./.test(version))
    throw new HoistError("UNSUPPORTED", `${reader.description}: image layout version ${version} is not supported`);
}

interface Found {
  desc: Descriptor;
  manifest: ManifestBytes;
}

/** The image manifests a descriptor leads to: itself, or the matching-platform images of an index. */
async function resolve(reader: FileReader, desc: Descriptor, platform: Platform, depth: number): Promise<Found[]> {
  if (depth > MAX_DEPTH) throw new HoistError("BAD_ARCHIVE", `${reader.description}: indexes nested too deep`);
  const bytes = await readBlob(reader, desc, MAX_MANIFEST_BYTES, "manifest");
  const mediaType = mediaTypeOf(bytes, desc);
  if (isIndexType(mediaType)) {
    const index = parseIndex(bytes);
    for (const child of index.manifests) {
      if (child.platform !== undefined && !platformMatches(child.platform, platform)) continue;
      let found: Found[];
      try {
        found = await resolve(reader, child, platform, depth + 1);
      } catch (e) {
        if (isHoistError(e, "NOT_FOUND") && isIndexType(child.mediaType)) continue;
        throw e;
      }
      if (child.platform === undefined && !isIndexType(child.mediaType))
        found = await filterByConfig(reader, found, platform);
      if (found.length > 0) return found.slice(0, 1);
    }
    const have = index.manifests.map((d) => (d.platform ? platformString(d.platform) : d.digest)).join(", ");
    throw new HoistError(
      "NOT_FOUND",
      `${reader.description}: index ${desc.digest} has no image for ${platformString(platform)} (it has ${have || "nothing"})`,
    );
  }
  if (!isManifestType(mediaType)) return []; // not an image: an artifact, a signature…
  const manifest = parseManifest(bytes);
  if (!isImageConfigType(manifest.config.mediaType)) return [];
  return [{ desc, manifest: { bytes, mediaType, digest: desc.digest } }];
}

/** Manifests in an index without a platform: look at their configs. */
async function filterByConfig(reader: FileReader, found: Found[], platform: Platform): Promise<Found[]> {
  const out: Found[] = [];
  for (const f of found) {
    const m = parseManifest(f.manifest.bytes);
    const config = parseImageConfig(await readBlob(reader, m.config, MAX_CONFIG_BYTES, "config"));
    const p: Platform = {
      os: config.os,
      architecture: config.architecture,
      ...(config.variant ? { variant: config.variant } : {}),
    };
    if (platformMatches(p, platform)) out.push(f);
  }
  return out;
}

function mediaTypeOf(bytes: Buffer, desc: Descriptor): string {
  try {
    const doc = JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
    const sniffed = sniffMediaType(doc);
    return sniffed === "" ? desc.mediaType : sniffed;
  } catch {
    throw new HoistError("BAD_ARCHIVE", `manifest ${desc.digest} is not valid JSON`);
  }
}

function isImageConfigType(mediaType: string): boolean {
  return mediaType === MediaType.ociConfig || mediaType === MediaType.dockerConfig;
}

/** One image of a layout: accessors read lazily and memoise. */
export function ociImage(reader: FileReader, manifest: ManifestBytes, names: string[]): SourceImage {
  let parsed: Manifest | undefined;
  let config: Promise<Buffer> | undefined;
  const man = (): Manifest => (parsed ??= parseManifest(manifest.bytes));
  const readConfig = () => (config ??= readBlob(reader, man().config, MAX_CONFIG_BYTES, "config"));
  return {
    names,
    config: readConfig,
    manifest: async () => manifest,
    layers: async () => layerRefs(reader.description, man(), await readConfig()),
    openLayer: (layer, options = {}) => openBlob(reader, layer.descriptor, options.signal),
  };
}

export function layerRefs(where: string, manifest: Manifest, configBytes: Buffer): LayerRef[] {
  const diffIds = parseImageConfig(configBytes).rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length)
    throw new HoistError(
      "BAD_ARCHIVE",
      `${where}: manifest has ${manifest.layers.length} layers but the config lists ${diffIds.length}`,
    );
  return manifest.layers.map((descriptor, i): LayerRef => {
    const compression = layerCompressionOf(descriptor.mediaType);
    if (compression === undefined)
      throw new HoistError("UNSUPPORTED", `${where}: unsupported layer media type ${descriptor.mediaType}`);
    const diffId = diffIds[i] as Digest;
    return {
      descriptor,
      diffId,
      compression,
      ...(compression === "none" ? { uncompressedSize: descriptor.size } : {}),
    };
  });
}

/** A blob stream; its size is checked up front (the digest is checked by whoever reads it). */
export async function openBlob(reader: FileReader, desc: Descriptor, signal?: AbortSignal): Promise<Readable> {
  const path = blobPath(desc.digest);
  const size = await reader.size(path);
  if (size === undefined) throw new HoistError("BAD_ARCHIVE", `${reader.description}: blob ${desc.digest} is missing`);
  if (size !== desc.size)
    throw new HoistError(
      "SIZE_INVALID",
      `${reader.description}: blob ${desc.digest} has ${size} bytes, expected ${desc.size}`,
    );
  return reader.open(path, signal ? { signal } : {});
}
