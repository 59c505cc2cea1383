// hoist inspect / image inspect
import { HoistError } from "../../errors.ts";
import { inspectImage } from "../../image/inspect.ts";
import { findImage } from "../../store/index.ts";
import type { CommandModule } from "../command.ts";
import { inspectEach } from "../inspect-each.ts";
import { openStore } from "../store.ts";

export const spec: CommandModule["spec"] = {
  name: "inspect",
  aliases: ["image inspect"],
  usage: "inspect [OPTIONS] NAME|ID [NAME|ID...]",
  description: "Return low-level information on Hoist objects",
  flags: [
    { name: "format", short: "f", type: "string", description: "Format output using a custom template" },
    { name: "size", short: "s", type: "bool", description: "Display total file sizes" },
    { name: "type", type: "string", description: "Return JSON for specified type" },
  ],
  args: { min: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const store = openStore(ctx);
  const state = store.state();
  const type = flags.string("type") ?? (ctx.command === "image inspect" ? "image" : "");
  if (type && type !== "image" && type !== "container")
    throw new HoistError("INVALID_ARGUMENT", `"${type}" is not a valid value for --type`);
  const containers = type === "image" ? undefined : await import("./container-inspect.ts");
  return inspectEach(ctx, args, flags.string("format"), async (arg) => {
    // docker's order: a container of that name or ID first, then an image.
    const container = containers && (await containers.inspectByRef(ctx, arg, flags.bool("size")));
    if (container) return container;
    const img = type === "container" ? undefined : findImage(state, arg);
    if (!img) throw new HoistError("NOT_FOUND", `No such ${type || "object"}: ${arg}`);
    return inspectImage(store, img);
  });
};
