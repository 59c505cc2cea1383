// hoist kill / container kill [-s SIGNAL] CONTAINER...
import { killContainer, signalNumber } from "../../runtime/lifecycle.ts";
import type { CommandModule } from "../command.ts";
import { eachContainer } from "./container-each.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "kill",
  aliases: ["container kill"],
  usage: "kill [OPTIONS] CONTAINER [CONTAINER...]",
  description: "Kill one or more running containers",
  flags: [
    { name: "signal", short: "s", type: "string", default: "KILL", description: "Signal to send to the container" },
  ],
  args: { min: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const signal = flags.string("signal") ?? "KILL";
  signalNumber(signal); // a bad signal fails before anything is sent
  const engine = openEngine(ctx);
  return eachContainer(ctx, args, (ref) => killContainer(engine, ref, signal));
};
