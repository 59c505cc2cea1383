// The store's on-disk layout under its root. Everything hoist writes lives below the root.
import { join } from "node:path";
import { digestHex, type Digest } from "../oci/index.ts";

export interface StorePaths {
  root: string;
  /** flock'ed for every mutation of state.json and of blobs/ and layers/. */
  lock: string;
  /** The store's index: images, names, layers. Replaced atomically. */
  state: string;
  /** Content-addressed blobs: blobs/sha256/<hex>. */
  blobs: string;
  /** Extracted layers by diffID: layers/<hex>/diff, usable as overlay lowerdirs. */
  layers: string;
  /** Per-process staging areas; leftovers of dead processes are removed by the next mutation. */
  tmp: string;
}

export function storePaths(root: string): StorePaths {
  return {
    root,
    lock: join(root, "lock"),
    state: join(root, "state.json"),
    blobs: join(root, "blobs"),
    layers: join(root, "layers"),
    tmp: join(root, "tmp"),
  };
}

export function blobPath(paths: StorePaths, d: Digest): string {
  return join(paths.blobs, d.slice(0, d.indexOf(":")), digestHex(d));
}

export function layerDir(paths: StorePaths, diffId: Digest): string {
  return join(paths.layers, digestHex(diffId));
}

/** The extracted tree of a layer: an overlay lowerdir. */
export function layerDiffDir(paths: StorePaths, diffId: Digest): string {
  return join(layerDir(paths, diffId), "diff");
}
