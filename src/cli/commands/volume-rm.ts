// hoist volume rm [-f] VOLUME...: refused for a volume any container (running or not) mounts.
import { removeVolumes } from "../../runtime/volumes.ts";
import type { CommandModule } from "../command.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "volume rm",
  aliases: ["volume remove"],
  usage: "volume rm [OPTIONS] VOLUME [VOLUME...]",
  description: "Remove one or more volumes",
  flags: [{ name: "force", short: "f", type: "bool", description: "Force the removal of one or more volumes" }],
  args: { min: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const r = await removeVolumes(openEngine(ctx), args, flags.bool("force"));
  for (const name of r.removed) ctx.io.out(`${name}\n`);
  for (const e of r.errors) ctx.io.err(`Error response from daemon: ${e}\n`);
  return r.errors.length ? 1 : 0;
};
