// Blob uploads: POST starts a session (or uploads in one go with ?digest=, or mounts with ?mount=), PATCH appends
// chunks, GET reports progress, PUT ?digest= closes it, DELETE cancels it.
import type { Digest } from "../../oci/index.ts";
import type { RouteRequest } from "../context.ts";
import { RegistryError } from "../errors.ts";
import { contentLength, drain, hasBody, parseChunkRange, send } from "../http.ts";
import type { AppendRequest } from "../store/uploads.ts";
import { checkDigest, checkName, isRepositoryName } from "../names.ts";

function uploadLocation(name: string, id: string): string {
  return `/v2/${name}/blobs/uploads/${id}`;
}

function progressHeaders(name: string, id: string, offset: number): Record<string, string> {
  return {
    Location: uploadLocation(name, id),
    Range: `0-${Math.max(0, offset - 1)}`,
    "Docker-Upload-UUID": id,
  };
}

function created(r: RouteRequest, d: Digest): void {
  send(r, 201, { Location: `/v2/${r.name}/blobs/${d}`, "Docker-Content-Digest": d });
}

/** The chunk in a PATCH or closing PUT: its declared range and length. */
function chunkOf(r: RouteRequest): AppendRequest {
  const range = parseChunkRange(r.req.headers["content-range"]);
  const declared = r.req.headers["transfer-encoding"] === undefined ? contentLength(r.req) : undefined;
  const req: AppendRequest = { body: r.req };
  if (range) {
    const length = range.end - range.start + 1;
    if (declared !== undefined && declared !== length)
      throw new RegistryError("RANGE_INVALID", "Content-Range does not match Content-Length");
    req.start = range.start;
    req.length = length;
  } else if (declared !== undefined) {
    req.length = declared;
  }
  if (req.length !== undefined && req.length > r.registry.limits.maxBlobSize)
    throw new RegistryError("TOO_LARGE", `blob larger than the limit of ${r.registry.limits.maxBlobSize} bytes`);
  return req;
}

async function tryMount(r: RouteRequest, d: Digest): Promise<boolean> {
  const { store, auth } = r.registry;
  const from = r.query.get("from");
  if (from !== null) {
    if (!isRepositoryName(from) || from === r.name) return false;
    if (!r.identity?.can(from, "pull")) return false;
    if (!(await store.blobs.stat(from, d))) return false;
  } else {
    // Without `from` the blob may come from any repository: only when the caller could pull them all.
    const readsAll = !auth.policy.hasRules && (auth.kind === "none" || r.identity?.user !== undefined);
    if (!readsAll || !(await store.blobs.exists(d))) return false;
  }
  await store.blobs.link(r.name, d);
  return true;
}

export async function startUpload(r: RouteRequest): Promise<void> {
  const { uploads } = r.registry.store;
  const mount = r.query.get("mount");
  if (mount !== null) {
    const d = checkDigest(mount);
    const from = r.query.get("from");
    if (from !== null && from !== "") checkName(from);
    if (await tryMount(r, d)) {
      drain(r);
      created(r, d);
      return;
    }
  }
  const digestParam = r.query.get("digest");
  if (digestParam !== null) {
    const d = checkDigest(digestParam);
    const id = await uploads.create(r.name, d.slice(0, d.indexOf(":")));
    try {
      await uploads.commit(r.name, id, d, chunkOf(r));
    } catch (e) {
      await uploads.cancel(r.name, id).catch(() => {});
      throw e;
    }
    created(r, d);
    return;
  }
  const algorithm = r.query.get("digest-algorithm") ?? "sha256";
  if (algorithm !== "sha256" && algorithm !== "sha512")
    throw new RegistryError("DIGEST_INVALID", `unsupported digest algorithm ${JSON.stringify(algorithm)}`);
  drain(r);
  const id = await uploads.create(r.name, algorithm);
  send(r, 202, progressHeaders(r.name, id, 0));
}

export async function uploadStatus(r: RouteRequest): Promise<void> {
  const { offset } = await r.registry.store.uploads.status(r.name, r.ref);
  send(r, 204, progressHeaders(r.name, r.ref, offset));
}

export async function patchUpload(r: RouteRequest): Promise<void> {
  const { uploads } = r.registry.store;
  let chunk: AppendRequest;
  try {
    chunk = chunkOf(r);
  } catch (e) {
    if (e instanceof RegistryError && e.code === "RANGE_INVALID") {
      const { offset } = await uploads.status(r.name, r.ref);
      throw new RegistryError("RANGE_INVALID", e.message, { headers: progressHeaders(r.name, r.ref, offset) });
    }
    throw e;
  }
  try {
    const offset = await uploads.append(r.name, r.ref, chunk);
    send(r, 202, progressHeaders(r.name, r.ref, offset));
  } catch (e) {
    if (e instanceof RegistryError && e.code === "RANGE_INVALID")
      throw new RegistryError("RANGE_INVALID", e.message, {
        headers: { ...progressHeaders(r.name, r.ref, 0), ...e.headers },
      });
    throw e;
  }
}

export async function finishUpload(r: RouteRequest): Promise<void> {
  const d = checkDigest(r.query.get("digest"));
  const chunk = hasBody(r.req) ? chunkOf(r) : undefined;
  await r.registry.store.uploads.commit(r.name, r.ref, d, chunk);
  created(r, d);
}

export async function cancelUpload(r: RouteRequest): Promise<void> {
  await r.registry.store.uploads.cancel(r.name, r.ref);
  send(r, 204, {});
}
