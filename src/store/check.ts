// `system check`: verify every blob against its digest and every image's and layer's parts; optionally repair.
import { createReadStream, readdirSync, rmSync, statSync } from "node:fs";
import { nodeCrypto } from "../random.ts";
import { join } from "node:path";
import type { Digest } from "../oci/index.ts";
import { collectGarbage } from "./gc.ts";
import { blobPath, layerDiffDir, type StorePaths } from "./paths.ts";
import type { StoreState } from "./state.ts";

export interface Problem {
  kind: "blob-corrupt" | "blob-missing" | "layer-missing" | "layer-record-missing" | "stray";
  what: string;
  detail: string;
}

export interface CheckResult {
  problems: Problem[];
  blobs: number;
  layers: number;
  images: number;
  /** With repair: images removed because parts of them were broken. */
  removedImages: Digest[];
}

async function hashFile(path: string): Promise<string> {
  const h = nodeCrypto().createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest("hex");
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Check the store. With `repair`, broken blobs are deleted and images that need them are removed. Call under the lock. */
export async function checkStore(paths: StorePaths, state: StoreState, repair: boolean): Promise<CheckResult> {
  const problems: Problem[] = [];
  const badBlobs = new Set<string>();
  const blobDir = join(paths.blobs, "sha256");
  let blobs = 0;
  for (const hex of safeList(blobDir)) {
    blobs++;
    const actual = await hashFile(join(blobDir, hex));
    if (actual !== hex) {
      problems.push({ kind: "blob-corrupt", what: `sha256:${hex}`, detail: `content hashes to sha256:${actual}` });
      badBlobs.add(hex);
    }
  }
  const brokenLayers = new Set<string>();
  for (const [hex, rec] of Object.entries(state.layers)) {
    if (!exists(layerDiffDir(paths, rec.diffId))) {
      problems.push({ kind: "layer-missing", what: rec.diffId, detail: "extracted layer directory is missing" });
      brokenLayers.add(hex);
    }
    for (const b of rec.blobs) {
      if (!exists(blobPath(paths, b.digest))) {
        problems.push({ kind: "blob-missing", what: b.digest, detail: `layer ${rec.diffId}'s blob is missing` });
        brokenLayers.add(hex);
      } else if (badBlobs.has(b.digest.slice(7))) brokenLayers.add(hex);
    }
  }
  const brokenImages: Digest[] = [];
  for (const img of Object.values(state.images)) {
    const broken: string[] = [];
    for (const d of [img.id, img.manifest.digest]) {
      if (!exists(blobPath(paths, d))) broken.push(`blob ${d} is missing`);
      else if (badBlobs.has(d.slice(7))) broken.push(`blob ${d} is corrupt`);
    }
    for (const l of img.layers) {
      if (!state.layers[l.slice(7)]) broken.push(`layer ${l} is not in the store`);
      else if (brokenLayers.has(l.slice(7))) broken.push(`layer ${l} is damaged`);
    }
    for (const b of broken)
      problems.push({
        kind: b.includes("not in the store") ? "layer-record-missing" : "blob-missing",
        what: img.id,
        detail: `image ${img.id.slice(7, 19)}: ${b}`,
      });
    if (broken.length) brokenImages.push(img.id);
  }
  const removedImages: Digest[] = [];
  if (repair) {
    for (const hex of badBlobs) rmSync(join(blobDir, hex), { force: true });
    for (const hex of brokenLayers) {
      delete state.layers[hex];
      rmSync(join(paths.layers, hex), { recursive: true, force: true });
    }
    for (const id of brokenImages) {
      delete state.images[id.slice(7)];
      removedImages.push(id);
    }
    collectGarbage(paths, state);
  }
  return {
    problems,
    blobs,
    layers: Object.keys(state.layers).length,
    images: Object.keys(state.images).length,
    removedImages,
  };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
