// Garbage collection: blobs and extracted layers no image references are removed. Call under the store lock.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { digestHex, type Digest } from "../oci/index.ts";
import type { StorePaths } from "./paths.ts";
import type { StoreState } from "./state.ts";

export interface GcResult {
  blobs: number;
  layers: Digest[];
  bytes: number;
}

/** What the index references: blob hexes and layer diffID hexes. */
export function referenced(state: StoreState): { blobs: Set<string>; layers: Set<string> } {
  const blobs = new Set<string>();
  const layers = new Set<string>();
  for (const img of Object.values(state.images)) {
    blobs.add(digestHex(img.id));
    blobs.add(digestHex(img.manifest.digest));
    for (const l of img.layers) layers.add(digestHex(l));
  }
  for (const hex of layers) {
    const rec = state.layers[hex];
    if (rec) for (const b of rec.blobs) blobs.add(digestHex(b.digest));
  }
  return { blobs, layers };
}

/** Drop layer records no image uses, then delete unreferenced blobs and layer directories. */
export function collectGarbage(paths: StorePaths, state: StoreState): GcResult {
  const refs = referenced(state);
  const result: GcResult = { blobs: 0, layers: [], bytes: 0 };
  for (const [hex, rec] of Object.entries(state.layers)) {
    if (!refs.layers.has(hex)) {
      result.layers.push(rec.diffId);
      result.bytes += rec.size;
      delete state.layers[hex];
    }
  }
  const keepBlobs = referenced(state).blobs;
  const blobDir = join(paths.blobs, "sha256");
  for (const hex of safeList(blobDir)) {
    if (keepBlobs.has(hex)) continue;
    rmSync(join(blobDir, hex), { force: true });
    result.blobs++;
  }
  for (const hex of safeList(paths.layers)) {
    if (state.layers[hex]) continue;
    rmSync(join(paths.layers, hex), { recursive: true, force: true });
  }
  return result;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
