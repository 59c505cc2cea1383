// hoist start / container start [-a] [-i] CONTAINER...
import { HoistError } from "../../errors.ts";
import { findActive, startContainer } from "../../runtime/lifecycle.ts";
import type { CommandModule } from "../command.ts";
import { checkTty, runAttached } from "./container-attach.ts";
import { eachContainer } from "./container-each.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "start",
  aliases: ["container start"],
  usage: "start [OPTIONS] CONTAINER [CONTAINER...]",
  description: "Start one or more stopped containers",
  flags: [
    { name: "attach", short: "a", type: "bool", description: "Attach STDOUT/STDERR and forward signals" },
    { name: "interactive", short: "i", type: "bool", description: "Attach container's STDIN" },
  ],
  args: { min: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const engine = openEngine(ctx);
  const attach = flags.bool("attach") || flags.bool("interactive");
  if (attach) {
    if (args.length > 1)
      throw new HoistError("INVALID_ARGUMENT", "you cannot start and attach multiple containers at once");
    const c = await findActive(engine, args[0] as string);
    const stdin = flags.bool("interactive") && c.Config.OpenStdin;
    checkTty(ctx, c.Config.Tty, stdin);
    return runAttached(ctx, engine, c.Id, { tty: c.Config.Tty, stdin, sigProxy: true });
  }
  return eachContainer(ctx, args, async (ref) => void (await startContainer(engine, ref)));
};
