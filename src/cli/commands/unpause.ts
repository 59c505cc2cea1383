// hoist unpause / container unpause CONTAINER...
import { pauseContainer } from "../../runtime/lifecycle.ts";
import type { CommandModule } from "../command.ts";
import { eachContainer } from "./container-each.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "unpause",
  aliases: ["container unpause"],
  usage: "unpause CONTAINER [CONTAINER...]",
  description: "Unpause all processes within one or more containers",
  flags: [],
  args: { min: 1 },
};

export const run: CommandModule["run"] = async (ctx, args) => {
  const engine = openEngine(ctx);
  return eachContainer(ctx, args, (ref) => pauseContainer(engine, ref, false));
};
