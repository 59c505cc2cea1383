// hoist stop / container stop [-t SECONDS] [-s SIGNAL] CONTAINER...
import { stopContainer } from "../../runtime/lifecycle.ts";
import type { CommandModule } from "../command.ts";
import { eachContainer } from "./container-each.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "stop",
  aliases: ["container stop"],
  usage: "stop [OPTIONS] CONTAINER [CONTAINER...]",
  description: "Stop one or more running containers",
  flags: [
    { name: "signal", short: "s", type: "string", description: "Signal to send to the container" },
    { name: "time", short: "t", type: "int", description: "Seconds to wait before killing the container" },
  ],
  args: { min: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const engine = openEngine(ctx);
  const time = flags.int("time");
  const signal = flags.string("signal");
  return eachContainer(ctx, args, (ref) => stopContainer(engine, ref, time, signal));
};
