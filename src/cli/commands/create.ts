// hoist create / container create: a container, not started; prints its ID.
import { createContainer } from "../../runtime/create.ts";
import type { CommandModule } from "../command.ts";
import { createFlags, imageForRun, openEngine, parseCreateFlags } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "create",
  aliases: ["container create"],
  usage: "create [OPTIONS] IMAGE [COMMAND] [ARG...]",
  description: "Create a new container",
  flags: createFlags,
  args: { min: 1 },
  stopAtFirstArg: true,
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const [imageName = "", ...cmd] = args;
  const options = parseCreateFlags(ctx, flags, cmd);
  const engine = openEngine(ctx);
  const image = await imageForRun(ctx, engine.store, imageName, flags);
  const created = await createContainer(engine, { ...options, image, imageName });
  for (const w of created.warnings) ctx.io.err(`WARNING: ${w}\n`);
  ctx.io.out(`${created.record.Id}\n`);
};
