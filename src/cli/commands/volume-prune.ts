// hoist volume prune [-a] [-f] [--filter label=…]: unused anonymous volumes (every unused one with -a).
import { HoistError } from "../../errors.ts";
import { labelMatch, pruneVolumes, type Volume } from "../../runtime/volumes.ts";
import type { CommandModule } from "../command.ts";
import { confirm } from "../prompt.ts";
import { humanSize } from "../units.ts";
import { openEngine } from "./container-flags.ts";
import { parsePruneFilters } from "./image-prune.ts";

export const spec: CommandModule["spec"] = {
  name: "volume prune",
  usage: "volume prune [OPTIONS]",
  description: "Remove unused local volumes",
  flags: [
    { name: "all", short: "a", type: "bool", description: "Remove all unused volumes, not just anonymous ones" },
    {
      name: "filter",
      type: "strings",
      valueName: "filter",
      description: 'Provide filter values (e.g. "label=<label>")',
    },
    { name: "force", short: "f", type: "bool", description: "Do not prompt for confirmation" },
  ],
  args: { max: 0 },
};

/** label=, label!= (docker's prune filters for volumes); `all=` as the API takes it. */
export function volumePruneFilter(raw: string[]): { filter: (v: Volume) => boolean; all?: boolean } {
  const tests: ((v: Volume) => boolean)[] = [];
  let all: boolean | undefined;
  for (const [key, values] of parsePruneFilters(raw)) {
    if (key === "label") tests.push((v) => values.some((l) => labelMatch(v.Labels, l)));
    else if (key === "label!") tests.push((v) => !values.some((l) => labelMatch(v.Labels, l)));
    else if (key === "all" && values.every((x) => ["true", "1", "false", "0"].includes(x)))
      all = values.some((x) => x === "true" || x === "1");
    else
      throw Object.assign(new HoistError("INVALID_ARGUMENT", `Error response from daemon: invalid filter '${key}'`), {
        plain: true,
      });
  }
  return { filter: (v) => tests.every((t) => t(v)), ...(all !== undefined ? { all } : {}) };
}

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  const f = volumePruneFilter(flags.strings("filter"));
  const all = flags.bool("all") || (f.all ?? false);
  const warning = all
    ? "WARNING! This will remove all local volumes not used by at least one container."
    : "WARNING! This will remove anonymous local volumes not used by at least one container.";
  if (!flags.bool("force") && !(await confirm(ctx, warning))) return;
  const r = await pruneVolumes(openEngine(ctx), { all, filter: f.filter });
  if (r.deleted.length) ctx.io.out(`Deleted Volumes:\n${r.deleted.map((d) => `${d}\n`).join("")}\n`);
  ctx.io.out(`Total reclaimed space: ${humanSize(r.reclaimed)}\n`);
};
