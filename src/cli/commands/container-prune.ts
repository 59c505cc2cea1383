// hoist container prune [-f] [--filter until=…|label=…]
import { pruneContainers } from "../../runtime/lifecycle.ts";
import type { ContainerRecord } from "../../store/index.ts";
import type { CommandModule } from "../command.ts";
import { parseUntil } from "../filters.ts";
import { confirm } from "../prompt.ts";
import { humanSize } from "../units.ts";
import { openEngine } from "./container-flags.ts";
import { parsePruneFilters } from "./image-prune.ts";

export const spec: CommandModule["spec"] = {
  name: "container prune",
  usage: "container prune [OPTIONS]",
  description: "Remove all stopped containers",
  flags: [
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

/** until=, label=, label!= for containers. */
export function containerPruneFilter(raw: string[]): (c: ContainerRecord) => boolean {
  const tests: ((c: ContainerRecord) => boolean)[] = [];
  for (const [key, values] of parsePruneFilters(raw)) {
    for (const v of values) {
      if (key === "until") {
        const t = parseUntil(v);
        tests.push((c) => Date.parse(c.Created) < t);
      } else if (key === "label" || key === "label!") {
        const eq = v.indexOf("=");
        const has = (c: ContainerRecord): boolean =>
          eq < 0 ? v in c.Config.Labels : c.Config.Labels[v.slice(0, eq)] === v.slice(eq + 1);
        tests.push(key === "label" ? has : (c) => !has(c));
      } else throw new Error(`invalid filter '${key}'`);
    }
  }
  return (c) => tests.every((t) => t(c));
}

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  const keep = containerPruneFilter(flags.strings("filter"));
  if (!flags.bool("force") && !(await confirm(ctx, "WARNING! This will remove all stopped containers."))) return;
  const r = await pruneContainers(openEngine(ctx), keep);
  if (r.deleted.length) ctx.io.out(`Deleted Containers:\n${r.deleted.map((d) => `${d}\n`).join("")}\n`);
  ctx.io.out(`Total reclaimed space: ${humanSize(r.reclaimed)}\n`);
};
