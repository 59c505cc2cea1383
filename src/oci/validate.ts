// Structural validation of manifests, indexes and configs read from untrusted places.
import { HoistError } from "../errors.ts";
import { isDigest } from "./digest.ts";
import { MediaType, isIndexType, isManifestType } from "./media-types.ts";
import type { Descriptor, ImageConfig, Index, Manifest } from "./types.ts";

function fail(what: string, why: string): never {
  throw new HoistError("BAD_ARCHIVE", `invalid ${what}: ${why}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function validateDescriptor(v: unknown, what = "descriptor"): Descriptor {
  if (!isObject(v)) fail(what, "not an object");
  if (typeof v.mediaType !== "string" || v.mediaType === "") fail(what, "missing mediaType");
  if (!isDigest(v.digest)) fail(what, `bad digest ${JSON.stringify(v.digest)}`);
  if (typeof v.size !== "number" || !Number.isSafeInteger(v.size) || v.size < 0) fail(what, "bad size");
  return v as unknown as Descriptor;
}

function parseJson(bytes: Uint8Array | string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(typeof bytes === "string" ? bytes : Buffer.from(bytes).toString("utf8"));
  } catch (e) {
    fail(what, (e as Error).message);
  }
  if (!isObject(v)) fail(what, "not a JSON object");
  return v;
}

/** What kind of document a manifest-ish JSON is: its mediaType field, or sniffed from its shape. */
export function sniffMediaType(doc: Record<string, unknown>): string {
  if (typeof doc.mediaType === "string") return doc.mediaType;
  if (doc.schemaVersion === 1) return MediaType.dockerManifestV1;
  if (Array.isArray(doc.manifests)) return MediaType.ociIndex;
  if (isObject(doc.config) && Array.isArray(doc.layers)) return MediaType.ociManifest;
  return "";
}

export function parseManifest(bytes: Uint8Array | string): Manifest {
  const doc = parseJson(bytes, "manifest");
  const mt = sniffMediaType(doc);
  if (mt === MediaType.dockerManifestV1 || mt === MediaType.dockerManifestV1Signed)
    throw new HoistError(
      "UNSUPPORTED",
      "Docker Image manifest version 2, schema 1 is not supported: re-push the image with a current client",
    );
  if (!isManifestType(mt)) fail("manifest", `unexpected mediaType ${JSON.stringify(mt)}`);
  if (doc.schemaVersion !== 2) fail("manifest", "schemaVersion must be 2");
  validateDescriptor(doc.config, "manifest config");
  if (!Array.isArray(doc.layers)) fail("manifest", "layers must be an array");
  doc.layers.forEach((l, i) => validateDescriptor(l, `manifest layer ${i}`));
  return doc as unknown as Manifest;
}

export function parseIndex(bytes: Uint8Array | string): Index {
  const doc = parseJson(bytes, "index");
  const mt = sniffMediaType(doc);
  if (!isIndexType(mt)) fail("index", `unexpected mediaType ${JSON.stringify(mt)}`);
  if (doc.schemaVersion !== 2) fail("index", "schemaVersion must be 2");
  if (!Array.isArray(doc.manifests)) fail("index", "manifests must be an array");
  doc.manifests.forEach((m, i) => validateDescriptor(m, `index entry ${i}`));
  return doc as unknown as Index;
}

export function parseImageConfig(bytes: Uint8Array | string): ImageConfig {
  const doc = parseJson(bytes, "image config");
  if (!isObject(doc.rootfs) || !Array.isArray(doc.rootfs.diff_ids)) fail("image config", "missing rootfs.diff_ids");
  for (const d of doc.rootfs.diff_ids) if (!isDigest(d)) fail("image config", `bad diff_id ${JSON.stringify(d)}`);
  if (typeof doc.architecture !== "string" || typeof doc.os !== "string")
    fail("image config", "missing architecture or os");
  return doc as unknown as ImageConfig;
}
