// The final image config: the target stage's config with --label labels, its history times filled in as
// BuildKit's exporter does (a metadata step takes the time of the layer step before it, or of the first new
// layer), clamped to SOURCE_DATE_EPOCH, and `created` from the last history entry.
import type { HistoryEntry, ImageConfig } from "../oci/index.ts";
import { canonicalContainerConfig } from "../image/changes.ts";
import type { Timestamp } from "../streams/index.ts";

/** Fill missing `created` times: before the first dated new entry, its time; after, the previous one's. */
export function fillHistoryTimes(history: readonly HistoryEntry[]): HistoryEntry[] {
  const out = history.map((h) => ({ ...h }));
  let created: string | undefined;
  let sawMissing = false;
  for (const h of out) {
    if (h.created !== undefined) {
      created = h.created;
      if (sawMissing) break;
    } else sawMissing = true;
  }
  sawMissing = false;
  for (const h of out) {
    if (h.created !== undefined) {
      if (sawMissing) created = h.created;
    } else {
      sawMissing = true;
      if (created !== undefined) h.created = created;
    }
  }
  return out;
}

export function epochIso(epoch: Timestamp): string {
  return new Date(epoch.sec * 1000).toISOString().replace(".000Z", "Z");
}

/** Entries after the base image's get at most the epoch. */
export function clampHistory(history: HistoryEntry[], baseCount: number, epoch: Timestamp | undefined): HistoryEntry[] {
  if (epoch === undefined) return history;
  const iso = epochIso(epoch);
  const limit = epoch.sec * 1000;
  return history.map((h, i) => {
    if (i < baseCount) return h;
    if (h.created === undefined || Date.parse(h.created) > limit) return { ...h, created: iso };
    return h;
  });
}

export interface ExportInput {
  image: ImageConfig;
  baseHistory: number;
  labels: Readonly<Record<string, string>>;
  epoch?: Timestamp;
}

/** The config's exact bytes (their sha256 is the image ID): stable field order, empty fields left out. */
export function finalConfig(input: ExportInput): Buffer {
  const src = input.image;
  const cfg = { ...(src.config ?? {}) };
  if (Object.keys(input.labels).length > 0) cfg.Labels = { ...(cfg.Labels ?? {}), ...input.labels };
  const history = clampHistory(fillHistoryTimes(src.history ?? []), input.baseHistory, input.epoch);
  let created = [...history].reverse().find((h) => h.created !== undefined)?.created;
  if (input.epoch !== undefined && (created === undefined || Date.parse(created) > input.epoch.sec * 1000)) {
    created = epochIso(input.epoch);
  }
  const out: Record<string, unknown> = {};
  if (created !== undefined) out.created = created;
  if (src.author) out.author = src.author;
  out.architecture = src.architecture;
  out.os = src.os;
  if (src["os.version"]) out["os.version"] = src["os.version"];
  if (src["os.features"]) out["os.features"] = src["os.features"];
  if (src.variant) out.variant = src.variant;
  out.config = canonicalContainerConfig(cfg);
  out.rootfs = { type: "layers", diff_ids: src.rootfs.diff_ids };
  out.history = history;
  return Buffer.from(JSON.stringify(out));
}
