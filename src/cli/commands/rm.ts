// hoist rm / container rm [-f] [-v] CONTAINER...
import { removeContainer } from "../../runtime/lifecycle.ts";
import type { CommandModule } from "../command.ts";
import { eachContainer } from "./container-each.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "rm",
  aliases: ["container rm", "container remove"],
  usage: "rm [OPTIONS] CONTAINER [CONTAINER...]",
  description: "Remove one or more containers",
  flags: [
    { name: "force", short: "f", type: "bool", description: "Force the removal of a running container (uses SIGKILL)" },
    { name: "link", short: "l", type: "bool", description: "Remove the specified link", hidden: true },
    {
      name: "volumes",
      short: "v",
      type: "bool",
      description: "Remove anonymous volumes associated with the container",
    },
  ],
  args: { min: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const engine = openEngine(ctx);
  const force = flags.bool("force");
  return eachContainer(ctx, args, (ref) => removeContainer(engine, ref, { force, volumes: flags.bool("volumes") }));
};
