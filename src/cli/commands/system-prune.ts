// hoist system prune: stopped containers, anonymous volumes (--volumes), unused images and the build cache
// (networks join with issue 7).
import type { CommandModule } from "../command.ts";
import { confirm } from "../prompt.ts";
import { openStore } from "../store.ts";
import { humanSize } from "../units.ts";
import { printPruned, pruneWithFilters } from "./image-prune.ts";

export const spec: CommandModule["spec"] = {
  name: "system prune",
  usage: "system prune [OPTIONS]",
  description: "Remove unused data",
  flags: [
    { name: "all", short: "a", type: "bool", description: "Remove all unused images not just dangling ones" },
    {
      name: "filter",
      type: "strings",
      valueName: "filter",
      description: 'Provide filter values (e.g. "label=<key>=<value>")',
    },
    { name: "force", short: "f", type: "bool", description: "Do not prompt for confirmation" },
    { name: "volumes", type: "bool", description: "Prune anonymous volumes" },
  ],
  args: { max: 0 },
};

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  const all = flags.bool("all");
  if (!flags.bool("force")) {
    const lines = [
      "WARNING! This will remove:",
      "  - all stopped containers",
      "  - all networks not used by at least one container",
      ...(flags.bool("volumes") ? ["  - all anonymous volumes not used by at least one container"] : []),
      all ? "  - all images without at least one container associated to them" : "  - all dangling images",
      all ? "  - all build cache" : "  - unused build cache",
      "",
    ];
    if (!(await confirm(ctx, lines.join("\n")))) return;
  }
  // Stopped containers first: the images they held become unused.
  const { containerPruneFilter } = await import("./container-prune.ts");
  const { pruneContainers } = await import("../../runtime/lifecycle.ts");
  const { openEngine } = await import("./container-flags.ts");
  const containers = await pruneContainers(openEngine(ctx), containerPruneFilter(flags.strings("filter")));
  if (containers.deleted.length)
    ctx.io.out(`Deleted Containers:\n${containers.deleted.map((d) => `${d}\n`).join("")}\n`);
  let volumes = 0;
  if (flags.bool("volumes")) {
    const { pruneVolumes } = await import("../../runtime/volumes.ts");
    const { volumePruneFilter } = await import("./volume-prune.ts");
    const labels = flags.strings("filter").filter((f) => /^label!?=/.test(f));
    const v = await pruneVolumes(openEngine(ctx), { all: false, filter: volumePruneFilter(labels).filter });
    if (v.deleted.length) ctx.io.out(`Deleted Volumes:\n${v.deleted.map((d) => `${d}\n`).join("")}\n`);
    volumes = v.reclaimed;
  }
  const r = await pruneWithFilters(ctx, all, flags.strings("filter"));
  printPruned(ctx, r);
  const { BuildCache } = await import("../../build/index.ts");
  const cache = await new BuildCache(openStore(ctx)).prune({});
  if (cache.bytes > 0) ctx.io.out(`Deleted build cache objects: ${humanSize(cache.bytes)}\n\n`);
  ctx.io.out(`Total reclaimed space: ${humanSize(r.reclaimed + containers.reclaimed + volumes + cache.bytes)}\n`);
};
