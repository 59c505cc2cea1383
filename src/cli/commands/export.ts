// hoist export / container export [-o FILE] CONTAINER: the merged filesystem as a tar.
import { createWriteStream } from "node:fs";
import { HoistError } from "../../errors.ts";
import { exportContainer } from "../../runtime/files.ts";
import type { CommandModule } from "../command.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "export",
  aliases: ["container export"],
  usage: "export [OPTIONS] CONTAINER",
  description: "Export a container's filesystem as a tar archive",
  flags: [{ name: "output", short: "o", type: "string", description: "Write to a file, instead of STDOUT" }],
  args: { exact: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const output = flags.string("output");
  if (!output && process.stdout.isTTY)
    throw new HoistError("INVALID_ARGUMENT", "cowardly refusing to save to a terminal. Use the -o flag or redirect");
  const out = output ? createWriteStream(output) : process.stdout;
  await exportContainer(openEngine(ctx), args[0] as string, out, ctx.signal);
};
