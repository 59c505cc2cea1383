// The store's index (state.json): which images exist, their names, and which extracted layers they use.
// Read without a lock (it is only ever replaced atomically); changed only under the store lock.
import { readFileSync } from "node:fs";
import { HoistError, errnoCode } from "../errors.ts";
import type { Compression, Descriptor, Digest } from "../oci/index.ts";
import { writeFileAtomic } from "./atomic.ts";

/** A blob that holds a layer's tar, as stored (compressed or not). */
export interface LayerBlob {
  digest: Digest;
  mediaType: string;
  size: number;
  compression: Compression;
}

export interface LayerRecord {
  diffId: Digest;
  /** Bytes of the uncompressed tar. */
  tarSize: number;
  /** Bytes of file content the layer holds (what `images` and `system df` count). */
  size: number;
  /** Blobs in blobs/ that hold this layer (the uncompressed tar has digest = diffId). */
  blobs: LayerBlob[];
  created: string;
}

export interface ImageRecord {
  /** sha256 of the config bytes: docker's and podman's image ID. */
  id: Digest;
  /** Fully normalized tagged names, e.g. docker.io/library/busybox:latest. */
  names: string[];
  /** Repo digests, e.g. docker.io/library/busybox@sha256:…. */
  digests: string[];
  /** The manifest blob (OCI or Docker schema2) kept for save/push. */
  manifest: Descriptor;
  /** diffIDs, bottom first (copied from the config). */
  layers: Digest[];
  /** Image that this one was made from locally (commit/build), docker's Parent. */
  parent?: Digest;
  created?: string;
  /** When it entered this store. */
  added: string;
  /** Sum of layer sizes. */
  size: number;
}

export interface StoreState {
  version: 1;
  images: Record<string, ImageRecord>;
  layers: Record<string, LayerRecord>;
}

export function emptyState(): StoreState {
  return { version: 1, images: {}, layers: {} };
}

export function readState(path: string): StoreState {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return emptyState();
    throw e;
  }
  try {
    const s = JSON.parse(text) as StoreState;
    if (s.version !== 1 || typeof s.images !== "object" || typeof s.layers !== "object")
      throw new Error("unknown format");
    return s;
  } catch (e) {
    throw new HoistError(
      "CORRUPT",
      `store index ${path} is unreadable: ${(e as Error).message} (run \`hoist system check --repair\`)`,
    );
  }
}

export function writeState(path: string, state: StoreState): void {
  writeFileAtomic(path, JSON.stringify(state));
}
