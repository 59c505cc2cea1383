// hoist builder prune: forget the build cache (its records, the layer blobs only it keeps, the remembered
// context checksums, RUN --mount=type=cache directories).
import { BuildCache } from "../../build/index.ts";
import type { CommandModule } from "../command.ts";
import { parseUntil } from "../filters.ts";
import { confirm } from "../prompt.ts";
import { openStore } from "../store.ts";
import { humanSize } from "../units.ts";

export const spec: CommandModule["spec"] = {
  name: "builder prune",
  usage: "builder prune [OPTIONS]",
  description: "Remove build cache",
  flags: [
    { name: "all", short: "a", type: "bool", description: "Remove all unused build cache, not just dangling ones" },
    { name: "filter", type: "strings", valueName: "filter", description: 'Provide filter values (e.g. "until=24h")' },
    { name: "force", short: "f", type: "bool", description: "Do not prompt for confirmation" },
  ],
  args: { max: 0 },
};

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  let before: number | undefined;
  for (const f of flags.strings("filter")) {
    const m = /^until=(.*)$/.exec(f);
    if (!m) throw new Error(`invalid filter '${f.split("=")[0] ?? f}'`);
    before = parseUntil(m[1] as string);
  }
  if (!flags.bool("force") && !(await confirm(ctx, "WARNING! This will remove all dangling build cache."))) return;
  const cache = new BuildCache(openStore(ctx));
  const r = await cache.prune(before === undefined ? {} : { before });
  ctx.io.out(`Total:\t${humanSize(r.bytes)}\n`);
};
