// hoist diff / container diff CONTAINER: C/A/D lines of the container's changes.
import { diffContainer } from "../../runtime/files.ts";
import type { CommandModule } from "../command.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "diff",
  aliases: ["container diff"],
  usage: "diff CONTAINER",
  description: "Inspect changes to files or directories on a container's filesystem",
  flags: [],
  args: { exact: 1 },
};

export const run: CommandModule["run"] = async (ctx, args) => {
  const changes = await diffContainer(openEngine(ctx), args[0] as string);
  ctx.io.out(changes.map((c) => `${"CAD"[c.Kind]} ${c.Path}\n`).join(""));
};
