// RepoDigests: `repo@sha256:…` names recorded when an image is pulled from or pushed to a registry (docker's
// RepoDigests). A repo digest names one manifest, so it belongs to one image at a time.
import type { Digest } from "../oci/index.ts";
import type { StoreState } from "./state.ts";

/** Record `repoDigest` (normalized, e.g. docker.io/library/busybox@sha256:…) on image `id`; false if the image is gone. */
export function addRepoDigest(state: StoreState, id: Digest, repoDigest: string): boolean {
  const img = state.images[id.slice(id.indexOf(":") + 1)];
  if (!img) return false;
  for (const other of Object.values(state.images))
    if (other !== img && other.digests.includes(repoDigest))
      other.digests = other.digests.filter((d) => d !== repoDigest);
  if (!img.digests.includes(repoDigest)) img.digests.push(repoDigest);
  return true;
}
