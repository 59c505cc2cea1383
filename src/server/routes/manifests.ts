// GET, HEAD, PUT and DELETE /v2/<name>/manifests/<tag-or-digest>.
import { createHash } from "node:crypto";
import { digestAlgorithm } from "../../oci/index.ts";
import type { Digest } from "../../oci/index.ts";
import type { RouteRequest } from "../context.ts";
import { RegistryError } from "../errors.ts";
import { readBody, send } from "../http.ts";
import { checkManifest, referrerDescriptor } from "../manifest-check.ts";
import { checkDigest, checkTag, isTag, looksLikeDigest } from "../names.ts";

async function resolve(r: RouteRequest): Promise<Digest> {
  if (looksLikeDigest(r.ref)) return checkDigest(r.ref);
  // No manifest can have an invalid tag: 404, as the conformance suite expects, with the precise code.
  if (!isTag(r.ref)) throw new RegistryError("TAG_INVALID", `invalid tag: ${JSON.stringify(r.ref)}`, { status: 404 });
  const d = await r.registry.store.manifests.resolveTag(r.name, r.ref);
  if (!d) throw new RegistryError("MANIFEST_UNKNOWN", undefined, { detail: { tag: r.ref } });
  return d;
}

export async function getManifest(r: RouteRequest): Promise<void> {
  const d = await resolve(r);
  const { manifests } = r.registry.store;
  if (r.method === "HEAD") {
    const meta = await manifests.meta(r.name, d);
    if (!meta) throw new RegistryError("MANIFEST_UNKNOWN", undefined, { detail: { digest: d } });
    send(r, 200, {
      "Content-Type": meta.mediaType,
      "Docker-Content-Digest": d,
      ETag: `"${d}"`,
      "Content-Length": meta.size,
    });
    return;
  }
  const m = await manifests.get(r.name, d);
  if (!m) throw new RegistryError("MANIFEST_UNKNOWN", undefined, { detail: { digest: d } });
  send(r, 200, { "Content-Type": m.meta.mediaType, "Docker-Content-Digest": d, ETag: `"${d}"` }, m.bytes);
}

function computeDigest(bytes: Buffer, algorithm: string): Digest {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}` as Digest;
}

export async function putManifest(r: RouteRequest): Promise<void> {
  const { store, limits } = r.registry;
  const byDigest = looksLikeDigest(r.ref);
  const urlDigest = byDigest ? checkDigest(r.ref) : undefined;
  const tags = byDigest ? [] : [checkTag(r.ref)];
  const tagParams = r.query.getAll("tag");
  if (tagParams.length > limits.maxTagParams)
    throw new RegistryError("TAG_INVALID", `more than ${limits.maxTagParams} tag parameters`, { status: 414 });
  for (const t of tagParams) if (!tags.includes(checkTag(t))) tags.push(t);

  const bytes = await readBody(r.req, limits.maxManifestSize);
  const checked = checkManifest(bytes, r.req.headers["content-type"]);
  const digest = computeDigest(bytes, urlDigest ? digestAlgorithm(urlDigest) : "sha256");
  if (urlDigest && digest !== urlDigest)
    throw new RegistryError("DIGEST_INVALID", "the manifest does not hash to the digest in the URL", {
      detail: { expected: urlDigest, actual: digest },
    });

  const missing = (
    await Promise.all([
      ...checked.blobs.map(async (b) => ((await store.blobs.stat(r.name, b)) ? undefined : b)),
      ...checked.manifests.map(async (m) => ((await store.manifests.has(r.name, m)) ? undefined : m)),
    ])
  ).filter((x) => x !== undefined);
  if (missing.length > 0)
    throw new RegistryError(
      "MANIFEST_BLOB_UNKNOWN",
      `manifest references unknown blobs or manifests: ${missing.join(", ")}`,
      {
        detail: { digests: missing },
      },
    );

  await Promise.all(checked.blobs.map((b) => store.blobs.touch(b)));
  await store.manifests.put(r.name, {
    digest,
    bytes,
    meta: checked.subject
      ? { mediaType: checked.mediaType, size: bytes.byteLength, subject: checked.subject.digest }
      : { mediaType: checked.mediaType, size: bytes.byteLength },
    ...(checked.subject ? { referrer: referrerDescriptor(checked, digest, bytes.byteLength) } : {}),
    tags,
  });
  const headers: Record<string, string | string[]> = {
    Location: `/v2/${r.name}/manifests/${digest}`,
    "Docker-Content-Digest": digest,
  };
  if (checked.subject) headers["OCI-Subject"] = checked.subject.digest;
  if (tagParams.length > 0) headers["OCI-Tag"] = tags;
  send(r, 201, headers);
}

export async function deleteManifest(r: RouteRequest): Promise<void> {
  if (!r.registry.deleteEnabled) throw new RegistryError("UNSUPPORTED", "deletes are disabled on this registry");
  const { manifests } = r.registry.store;
  if (looksLikeDigest(r.ref)) {
    const d = checkDigest(r.ref);
    if (!(await manifests.delete(r.name, d)))
      throw new RegistryError("MANIFEST_UNKNOWN", undefined, { detail: { digest: d } });
  } else {
    const tag = checkTag(r.ref);
    if (!(await manifests.deleteTag(r.name, tag)))
      throw new RegistryError("MANIFEST_UNKNOWN", undefined, { detail: { tag } });
  }
  send(r, 202, {});
}
