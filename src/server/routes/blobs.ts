// GET, HEAD and DELETE /v2/<name>/blobs/<digest>: blobs streamed from storage, with single Range support.
import type { RouteRequest } from "../context.ts";
import { RegistryError } from "../errors.ts";
import { parseRange, send } from "../http.ts";
import { checkDigest } from "../names.ts";

export async function getBlob(r: RouteRequest): Promise<void> {
  const d = checkDigest(r.ref);
  const info = await r.registry.store.blobs.stat(r.name, d);
  if (!info) throw new RegistryError("BLOB_UNKNOWN", undefined, { detail: { digest: d } });
  const headers = {
    "Content-Type": "application/octet-stream",
    "Docker-Content-Digest": d,
    ETag: `"${d}"`,
    "Accept-Ranges": "bytes",
    "Cache-Control": "max-age=31536000",
  };
  const range = parseRange(r.req.headers.range, info.size);
  if (range === "unsatisfiable")
    throw new RegistryError("RANGE_INVALID", "requested range not satisfiable", {
      headers: { "Content-Range": `bytes */${info.size}` },
    });
  if (r.method === "HEAD") {
    send(r, 200, { ...headers, "Content-Length": info.size });
    return;
  }
  if (range) {
    r.res.writeHead(206, {
      ...headers,
      "Content-Length": range.end - range.start + 1,
      "Content-Range": `bytes ${range.start}-${range.end}/${info.size}`,
    });
  } else {
    r.res.writeHead(200, { ...headers, "Content-Length": info.size });
  }
  try {
    if (!(await r.registry.store.blobs.send(d, r.res, range))) r.res.destroy();
  } catch {
    r.res.destroy();
  }
}

export async function deleteBlob(r: RouteRequest): Promise<void> {
  const d = checkDigest(r.ref);
  if (!r.registry.deleteEnabled) throw new RegistryError("UNSUPPORTED", "deletes are disabled on this registry");
  if (!(await r.registry.store.blobs.unlink(r.name, d)))
    throw new RegistryError("BLOB_UNKNOWN", undefined, { detail: { digest: d } });
  send(r, 202, { "Docker-Content-Digest": d });
}
