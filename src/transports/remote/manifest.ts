// Manifests: GET with content negotiation (OCI and Docker, indexes and images), digest checks, PUT by tag.
import { HoistError } from "../../errors.ts";
import { discard, readBody } from "../../http/index.ts";
import { MediaType, digestAlgorithm, hasher, isDigest, sniffMediaType, type Digest } from "../../oci/index.ts";
import type { ManifestBytes } from "../types.ts";
import { repoScope, type RegistryClient } from "./client.ts";
import { responseError } from "./errors.ts";

export const MAX_MANIFEST_BYTES = 8 << 20;

/** What we take, best first; schema1 is not asked for (a registry that only has it still sends it). */
export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.dockerManifestList,
  MediaType.ociManifest,
  MediaType.dockerManifest,
].join(", ");

/** The digest of bytes with the algorithm of `like` (sha256 by default). */
export function digestOf(bytes: Buffer, like?: string): Digest {
  const h = hasher(like && isDigest(like) ? digestAlgorithm(like) : "sha256");
  h.update(bytes);
  return h.digest();
}

/** GET a manifest by tag or digest; a digest reference is checked against the bytes. */
export async function getManifest(
  client: RegistryClient,
  repo: string,
  reference: string,
  signal?: AbortSignal,
): Promise<ManifestBytes> {
  const res = await client.send({
    method: "GET",
    path: `/v2/${repo}/manifests/${reference}`,
    headers: { accept: MANIFEST_ACCEPT },
    scopes: [repoScope(repo)],
    ...(signal ? { signal } : {}),
  });
  if (res.status !== 200) throw await responseError(res);
  const bytes = await readBody(res, MAX_MANIFEST_BYTES);
  const digest = digestOf(bytes, reference.includes(":") ? reference : undefined);
  if (isDigest(reference) && digest !== reference)
    throw new HoistError(
      "DIGEST_INVALID",
      `manifest ${reference} from ${client.registry}/${repo} has digest ${digest}`,
    );
  const claimed = res.headers["docker-content-digest"];
  if (claimed && isDigest(claimed) && digestAlgorithm(claimed) === digestAlgorithm(digest) && claimed !== digest)
    throw new HoistError(
      "DIGEST_INVALID",
      `manifest ${repo}:${reference} from ${client.registry} has digest ${digest}, the registry says ${claimed}`,
    );
  return { bytes, digest, mediaType: mediaTypeOf(bytes, res.headers["content-type"]) };
}

/** The document's own mediaType, else the response's Content-Type, else sniffed from its shape. */
export function mediaTypeOf(bytes: Buffer, contentType: string | undefined): string {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
  } catch {
    throw new HoistError("REGISTRY", "the registry sent a manifest that is not valid JSON");
  }
  if (typeof doc.mediaType === "string" && doc.mediaType !== "") return doc.mediaType;
  const ct = contentType?.split(";")[0]?.trim() ?? "";
  if (ct && ct !== "application/json" && ct !== "text/plain" && ct !== "application/octet-stream") return ct;
  return sniffMediaType(doc);
}

/** PUT a manifest under a tag or digest; returns the digest the registry reports (or computes). */
export async function putManifest(
  client: RegistryClient,
  repo: string,
  reference: string,
  manifest: ManifestBytes,
  signal?: AbortSignal,
): Promise<Digest> {
  const res = await client.send({
    method: "PUT",
    path: `/v2/${repo}/manifests/${reference}`,
    headers: { "content-type": manifest.mediaType },
    body: manifest.bytes,
    scopes: [repoScope(repo, true)],
    ...(signal ? { signal } : {}),
  });
  if (res.status !== 201 && res.status !== 200 && res.status !== 202) throw await responseError(res);
  await discard(res);
  const reported = res.headers["docker-content-digest"];
  return reported && isDigest(reported) ? reported : manifest.digest;
}
