// The server's own checks of a pushed manifest or index: JSON shape, media type against Content-Type, descriptors,
// and what it references (which must then exist in the repository).
import { MediaType, isDigest, isIndexType, isManifestType } from "../oci/index.ts";
import type { Descriptor, Digest } from "../oci/index.ts";
import { RegistryError } from "./errors.ts";

export interface CheckedManifest {
  mediaType: string;
  subject?: Descriptor;
  /** Blobs (config and layers) that must exist in the repository. */
  blobs: Digest[];
  /** Child manifests (of an index) that must exist in the repository. */
  manifests: Digest[];
  artifactType?: string;
  annotations?: Record<string, string>;
}

const genericTypes = new Set(["", "application/json", "application/octet-stream"]);

// Layers that live elsewhere (`urls`) and are never pushed: their blobs need not exist.
const foreignLayerTypes = new Set<string>([
  MediaType.ociLayerNondistributable,
  MediaType.ociLayerNondistributableGzip,
  MediaType.ociLayerNondistributableZstd,
  MediaType.dockerLayerForeignGzip,
]);

function invalid(message: string): RegistryError {
  return new RegistryError("MANIFEST_INVALID", message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function descriptor(v: unknown, what: string): Descriptor {
  if (!isObject(v)) throw invalid(`${what} is not a descriptor`);
  if (typeof v.mediaType !== "string" || v.mediaType === "") throw invalid(`${what} has no mediaType`);
  if (!isDigest(v.digest)) throw invalid(`${what} has an invalid or unsupported digest ${JSON.stringify(v.digest)}`);
  if (typeof v.size !== "number" || !Number.isSafeInteger(v.size) || v.size < 0)
    throw invalid(`${what} has an invalid size`);
  if (v.urls !== undefined && (!Array.isArray(v.urls) || !v.urls.every((u) => typeof u === "string")))
    throw invalid(`${what} has invalid urls`);
  if (v.annotations !== undefined && !isStringMap(v.annotations)) throw invalid(`${what} has invalid annotations`);
  return v as unknown as Descriptor;
}

function isStringMap(v: unknown): v is Record<string, string> {
  return isObject(v) && Object.values(v).every((x) => typeof x === "string");
}

function baseType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

export function checkManifest(bytes: Buffer, contentType: string | undefined): CheckedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    throw invalid(`manifest is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(doc)) throw invalid("manifest is not a JSON object");
  if (doc.schemaVersion === 1) throw invalid("Docker image manifest schema 1 is not supported");
  if (doc.schemaVersion !== 2) throw invalid("schemaVersion must be 2");
  const ct = baseType(contentType);
  if (doc.mediaType !== undefined && typeof doc.mediaType !== "string") throw invalid("mediaType must be a string");
  if (typeof doc.mediaType === "string" && !genericTypes.has(ct) && ct !== doc.mediaType)
    throw invalid(`Content-Type ${ct} does not match the manifest's mediaType ${doc.mediaType}`);
  const mediaType =
    (doc.mediaType as string | undefined) ??
    (isManifestType(ct) || isIndexType(ct)
      ? ct
      : Array.isArray(doc.manifests)
        ? MediaType.ociIndex
        : MediaType.ociManifest);
  const out: CheckedManifest = { mediaType, blobs: [], manifests: [] };
  if (isManifestType(mediaType)) {
    const config = descriptor(doc.config, "config");
    if (!Array.isArray(doc.layers)) throw invalid("layers must be an array");
    out.blobs.push(config.digest);
    doc.layers.forEach((l, i) => {
      const layer = descriptor(l, `layer ${i}`);
      const foreign = foreignLayerTypes.has(layer.mediaType) || (layer.urls !== undefined && layer.urls.length > 0);
      if (!foreign) out.blobs.push(layer.digest);
    });
    if (typeof doc.artifactType === "string") out.artifactType = doc.artifactType;
    else out.artifactType = config.mediaType;
  } else if (isIndexType(mediaType)) {
    if (!Array.isArray(doc.manifests)) throw invalid("manifests must be an array");
    doc.manifests.forEach((m, i) => out.manifests.push(descriptor(m, `manifests[${i}]`).digest));
    if (typeof doc.artifactType === "string") out.artifactType = doc.artifactType;
  } else {
    throw invalid(`unsupported manifest media type ${JSON.stringify(mediaType)}`);
  }
  if (doc.artifactType !== undefined && typeof doc.artifactType !== "string")
    throw invalid("artifactType must be a string");
  if (doc.subject !== undefined) out.subject = descriptor(doc.subject, "subject");
  if (doc.annotations !== undefined) {
    if (!isStringMap(doc.annotations)) throw invalid("annotations must map strings to strings");
    out.annotations = doc.annotations;
  }
  return out;
}

/** The descriptor the referrers API lists for a manifest with a subject. */
export function referrerDescriptor(m: CheckedManifest, digest: Digest, size: number): Descriptor {
  const d: Descriptor = { mediaType: m.mediaType, digest, size };
  if (m.artifactType !== undefined) d.artifactType = m.artifactType;
  if (m.annotations !== undefined) d.annotations = m.annotations;
  return d;
}
