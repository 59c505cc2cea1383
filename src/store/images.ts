// Image lookups and name changes on the store index. Pure functions over StoreState.
import { NotFoundError, HoistError } from "../errors.ts";
import type { Digest } from "../oci/index.ts";
import { parseDockerRef, parseNormalizedNamed, imageIdHex, isInvalidReference, toString } from "../ref/index.ts";
import type { ImageRecord, StoreState } from "./state.ts";

/** "busybox" → "docker.io/library/busybox:latest". Throws the grammar's error for invalid names. */
export function normalizeTagged(s: string): string {
  const ref = parseNormalizedNamed(s);
  if (ref.digest !== undefined)
    throw new HoistError("INVALID_REFERENCE", `refusing to create a tag with a digest reference`);
  return toString(ref.tag === undefined ? { ...ref, tag: "latest" } : ref);
}

/** Find an image by name[:tag], name@digest, full ID or unique ID prefix, as docker does. */
export function findImage(state: StoreState, s: string): ImageRecord | undefined {
  const images = Object.values(state.images);
  let ref;
  try {
    ref = parseDockerRef(s);
  } catch (e) {
    if (!isInvalidReference(e)) throw e;
  }
  if (ref) {
    const full = toString(ref);
    const byName = images.find((i) => (ref.digest ? i.digests.includes(full) : i.names.includes(full)));
    if (byName) return byName;
  }
  const hex = imageIdHex(s);
  if (hex !== undefined) {
    const matches = images.filter((i) => i.id.slice(7).startsWith(hex));
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) throw new HoistError("NOT_FOUND", `No such image: ${s} (ambiguous ID prefix)`);
  }
  if (!ref && hex === undefined) parseDockerRef(s); // rethrow the grammar error
  return undefined;
}

export function getImage(state: StoreState, s: string): ImageRecord {
  const img = findImage(state, s);
  if (!img) throw new NotFoundError("image", s);
  return img;
}

/** Point `name` (normalized, tagged) at image `id`, moving it off any other image. */
export function setName(state: StoreState, id: Digest, name: string): void {
  for (const img of Object.values(state.images)) {
    if (img.id !== id && img.names.includes(name)) img.names = img.names.filter((n) => n !== name);
  }
  const img = state.images[id.slice(7)];
  if (!img) throw new NotFoundError("image", id);
  if (!img.names.includes(name)) img.names.push(name);
}

export function removeName(state: StoreState, name: string): ImageRecord | undefined {
  for (const img of Object.values(state.images)) {
    if (img.names.includes(name)) {
      img.names = img.names.filter((n) => n !== name);
      return img;
    }
  }
  return undefined;
}

/** Images whose Parent is `id` (made from it by commit or build). */
export function childrenOf(state: StoreState, id: Digest): ImageRecord[] {
  return Object.values(state.images).filter((i) => i.parent === id);
}

/** The image's repositories, e.g. "docker.io/library/busybox" for each name. */
export function repositoryOf(name: string): string {
  const at = name.indexOf("@");
  const base = at >= 0 ? name.slice(0, at) : name;
  const slash = base.lastIndexOf("/");
  const colon = base.lastIndexOf(":");
  return colon > slash ? base.slice(0, colon) : base;
}

export function tagOf(name: string): string {
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  return colon > slash ? name.slice(colon + 1) : "";
}
