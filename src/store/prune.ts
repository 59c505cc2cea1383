// Which images `image prune` removes, and removing them with the store's GC.
import { HoistError } from "../errors.ts";
import type { Digest } from "../oci/index.ts";
import { collectGarbage } from "./gc.ts";
import type { StorePaths } from "./paths.ts";
import type { ImageRecord, StoreState } from "./state.ts";

export interface PruneOptions {
  /** Remove every image without a container, not only dangling ones. */
  all: boolean;
  /** Extra keep/remove test (filters); true = may remove. */
  filter?: (img: ImageRecord) => boolean;
  /** Image IDs in use by containers. */
  inUse?: Set<Digest>;
}

export interface PruneResult {
  untagged: string[];
  deleted: Digest[];
  reclaimed: number;
}

export function pruneImages(paths: StorePaths, state: StoreState, options: PruneOptions): PruneResult {
  const result: PruneResult = { untagged: [], deleted: [], reclaimed: 0 };
  const candidate = (img: ImageRecord): boolean =>
    (options.all || img.names.length === 0) && !options.inUse?.has(img.id) && (options.filter?.(img) ?? true);
  const initial = new Set(
    Object.values(state.images)
      .filter(candidate)
      .map((i) => i.id),
  );
  // Remove leaves first so parents become removable once their children are gone.
  for (let changed = true; changed;) {
    changed = false;
    const parents = new Set(Object.values(state.images).map((i) => i.parent));
    for (const img of Object.values(state.images)) {
      if (!initial.has(img.id) || parents.has(img.id)) continue;
      result.untagged.push(...img.names, ...img.digests);
      result.deleted.push(img.id);
      delete state.images[img.id.slice(7)];
      changed = true;
    }
  }
  const gc = collectGarbage(paths, state);
  result.reclaimed = gc.bytes;
  return result;
}

/** `label=k`, `label=k=v`, `label!=…`, `until=…` filters for prune. */
export function pruneFilter(
  filters: Map<string, string[]>,
  labelsOf: (img: ImageRecord) => Record<string, string>,
  untilMs: (v: string) => number,
): (img: ImageRecord) => boolean {
  const tests: ((img: ImageRecord) => boolean)[] = [];
  for (const [key, values] of filters) {
    for (const v of values) {
      if (key === "until") {
        const t = untilMs(v);
        tests.push((img) => Date.parse(img.created ?? img.added) < t);
      } else if (key === "label" || key === "label!") {
        const eq = v.indexOf("=");
        const has = (img: ImageRecord): boolean => {
          const l = labelsOf(img);
          return eq < 0 ? v in l : l[v.slice(0, eq)] === v.slice(eq + 1);
        };
        tests.push(key === "label" ? has : (img) => !has(img));
      } else throw new HoistError("INVALID_ARGUMENT", `invalid filter '${key}'`);
    }
  }
  return (img) => tests.every((t) => t(img));
}
