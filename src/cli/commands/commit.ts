// hoist commit / container commit [-a] [-m] [-c] [-p] CONTAINER [REPOSITORY[:TAG]]
import { commitContainer } from "../../runtime/commit.ts";
import { normalizeTagged } from "../../store/index.ts";
import type { CommandModule } from "../command.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "commit",
  aliases: ["container commit"],
  usage: "commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
  description: "Create a new image from a container's changes",
  flags: [
    {
      name: "author",
      short: "a",
      type: "string",
      description: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")',
    },
    { name: "change", short: "c", type: "strings", description: "Apply Dockerfile instruction to the created image" },
    { name: "message", short: "m", type: "string", description: "Commit message" },
    { name: "pause", short: "p", type: "bool", default: true, description: "Pause container during commit" },
  ],
  args: { min: 1, max: 2 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const [ref = "", repo] = args;
  const name = repo === undefined ? undefined : normalizeTagged(repo);
  const id = await commitContainer(openEngine(ctx), ref, {
    ...(name ? { name } : {}),
    ...(flags.string("message") ? { message: flags.string("message") as string } : {}),
    ...(flags.string("author") ? { author: flags.string("author") as string } : {}),
    changes: flags.strings("change"),
    pause: flags.bool("pause"),
    signal: ctx.signal,
  });
  ctx.io.out(`${id}\n`);
};
