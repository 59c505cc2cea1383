// GET /v2/<name>/referrers/<digest>?artifactType=: an image index of the manifests whose subject is the digest.
import { MediaType } from "../../oci/index.ts";
import type { RouteRequest } from "../context.ts";
import { send } from "../http.ts";
import { checkDigest } from "../names.ts";

export async function listReferrers(r: RouteRequest): Promise<void> {
  const subject = checkDigest(r.ref);
  let manifests = await r.registry.store.manifests.referrers(r.name, subject);
  const headers: Record<string, string> = { "Content-Type": MediaType.ociIndex };
  const artifactType = r.query.get("artifactType");
  if (artifactType !== null) {
    manifests = manifests.filter((d) => d.artifactType === artifactType);
    headers["OCI-Filters-Applied"] = "artifactType";
  }
  send(r, 200, headers, JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }));
}
