// Where each piece of registry state lives in storage. Names, tags and digests are validated before they get here.
import { digestAlgorithm, digestHex } from "../../oci/index.ts";
import type { Digest } from "../../oci/index.ts";

export const repositoriesRoot = "repositories";
export const uploadsRoot = "uploads";
export const blobsRoot = "blobs";

/** Blobs are stored once, whatever number of repositories link to them. */
export function blobKey(d: Digest): string {
  const hex = digestHex(d);
  return `${blobsRoot}/${digestAlgorithm(d)}/${hex.slice(0, 2)}/${hex}/data`;
}

export function blobDir(d: Digest): string {
  const hex = digestHex(d);
  return `${blobsRoot}/${digestAlgorithm(d)}/${hex.slice(0, 2)}/${hex}`;
}

export function repoKey(name: string): string {
  return `${repositoriesRoot}/${name}`;
}

/** A repository's link to a blob (a layer or config) it holds. */
export function layerLinkKey(name: string, d: Digest): string {
  return `${repoKey(name)}/_layers/${digestAlgorithm(d)}/${digestHex(d)}`;
}

export function layerLinksKey(name: string): string {
  return `${repoKey(name)}/_layers`;
}

export function manifestsKey(name: string): string {
  return `${repoKey(name)}/_manifests`;
}

/** A repository's link to a manifest it holds, with the manifest's metadata (media type, subject). */
export function revisionKey(name: string, d: Digest): string {
  return `${repoKey(name)}/_manifests/revisions/${digestAlgorithm(d)}/${digestHex(d)}`;
}

export function revisionsKey(name: string): string {
  return `${repoKey(name)}/_manifests/revisions`;
}

export function tagKey(name: string, tag: string): string {
  return `${repoKey(name)}/_manifests/tags/${tag}`;
}

export function tagsKey(name: string): string {
  return `${repoKey(name)}/_manifests/tags`;
}

/** The referrers of a subject: one small descriptor object per referring manifest. */
export function referrersKey(name: string, subject: Digest): string {
  return `${repoKey(name)}/_referrers/${digestAlgorithm(subject)}/${digestHex(subject)}`;
}

export function referrerKey(name: string, subject: Digest, d: Digest): string {
  return `${referrersKey(name, subject)}/${digestAlgorithm(d)}-${digestHex(d)}`;
}

export function uploadKey(id: string): string {
  return `${uploadsRoot}/${id}`;
}

export function uploadDataKey(id: string): string {
  return `${uploadsRoot}/${id}/data`;
}

export function uploadInfoKey(id: string): string {
  return `${uploadsRoot}/${id}/info.json`;
}

export function uploadHashKey(id: string): string {
  return `${uploadsRoot}/${id}/hash.json`;
}
