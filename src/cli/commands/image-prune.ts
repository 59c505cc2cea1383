// hoist image prune
import { parseImageConfig } from "../../oci/index.ts";
import {
  imagesInUse,
  pruneFilter,
  pruneImages,
  readContainers,
  type ImageRecord,
  type PruneResult,
} from "../../store/index.ts";
import type { CommandModule, Context } from "../command.ts";
import { parseUntil } from "../filters.ts";
import { familiar } from "../names.ts";
import { confirm } from "../prompt.ts";
import { openStore } from "../store.ts";
import { humanSize } from "../units.ts";

export const spec: CommandModule["spec"] = {
  name: "image prune",
  usage: "image prune [OPTIONS]",
  description: "Remove unused images",
  flags: [
    { name: "all", short: "a", type: "bool", description: "Remove all unused images, not just dangling ones" },
    {
      name: "filter",
      type: "strings",
      valueName: "filter",
      description: 'Provide filter values (e.g. "until=<timestamp>")',
    },
    { name: "force", short: "f", type: "bool", description: "Do not prompt for confirmation" },
  ],
  args: { max: 0 },
};

export function parsePruneFilters(raw: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of raw) {
    const m = /^([a-z]+!?)=(.*)$/s.exec(f);
    if (!m) throw new Error(`bad format of filter (expected name=value)`);
    out.set(m[1] as string, [...(out.get(m[1] as string) ?? []), m[2] as string]);
  }
  return out;
}

export async function pruneWithFilters(ctx: Context, all: boolean, rawFilters: string[]): Promise<PruneResult> {
  const store = openStore(ctx);
  const labelsOf = (img: ImageRecord): Record<string, string> =>
    (parseImageConfig(store.readBlob(img.id)).config?.Labels as Record<string, string> | undefined) ?? {};
  const filter = pruneFilter(parsePruneFilters(rawFilters), labelsOf, (v) => parseUntil(v));
  return store.update((state) =>
    pruneImages(store.paths, state, { all, filter, inUse: new Set(imagesInUse(readContainers(store.paths)).keys()) }),
  );
}

export function printPruned(ctx: Context, r: PruneResult, heading = true): void {
  if (r.deleted.length) {
    if (heading) ctx.io.out("Deleted Images:\n");
    for (const n of r.untagged) ctx.io.out(`untagged: ${familiar(n)}\n`);
    for (const d of r.deleted) ctx.io.out(`deleted: ${d}\n`);
    ctx.io.out("\n");
  }
}

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  const all = flags.bool("all");
  if (!flags.bool("force")) {
    const warning = all
      ? "WARNING! This will remove all images without at least one container associated to them."
      : "WARNING! This will remove all dangling images.";
    if (!(await confirm(ctx, warning))) return;
  }
  const r = await pruneWithFilters(ctx, all, flags.strings("filter"));
  printPruned(ctx, r);
  ctx.io.out(`Total reclaimed space: ${humanSize(r.reclaimed)}\n`);
};
