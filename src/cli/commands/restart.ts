// hoist restart / container restart [-t SECONDS] CONTAINER...
import { restartContainer } from "../../runtime/lifecycle.ts";
import type { CommandModule } from "../command.ts";
import { eachContainer } from "./container-each.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "restart",
  aliases: ["container restart"],
  usage: "restart [OPTIONS] CONTAINER [CONTAINER...]",
  description: "Restart one or more containers",
  flags: [{ name: "time", short: "t", type: "int", description: "Seconds to wait before killing the container" }],
  args: { min: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const engine = openEngine(ctx);
  return eachContainer(ctx, args, (ref) => restartContainer(engine, ref, flags.int("time")));
};
