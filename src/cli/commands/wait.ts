// hoist wait / container wait CONTAINER...: block until each stops, print its exit code.
import { findActive, waitForExit } from "../../runtime/lifecycle.ts";
import type { CommandModule } from "../command.ts";
import { eachContainer } from "./container-each.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "wait",
  aliases: ["container wait"],
  usage: "wait CONTAINER [CONTAINER...]",
  description: "Block until one or more containers stop, then print their exit codes",
  flags: [],
  args: { min: 1 },
};

export const run: CommandModule["run"] = async (ctx, args) => {
  const engine = openEngine(ctx);
  return eachContainer(
    ctx,
    args,
    async (ref) => {
      const c = await findActive(engine, ref);
      const r = await waitForExit(engine, c.Id, Infinity, ctx.signal);
      ctx.io.out(`${r.record?.State.ExitCode ?? c.State.ExitCode}\n`);
    },
    false,
  );
};
