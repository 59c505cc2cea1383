// hoist inspect / image inspect
import { HoistError, isHoistError } from "../../errors.ts";
import { inspectImage } from "../../image/inspect.ts";
import { findImage } from "../../store/index.ts";
import type { CommandModule } from "../command.ts";
import { goJson, renderEach } from "../format.ts";
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
  const found: unknown[] = [];
  let failed = false;
  for (const arg of args) {
    try {
      // docker's order: a container of that name or ID first, then an image.
      const container = containers && (await containers.inspectByRef(ctx, arg, flags.bool("size")));
      if (container) {
        found.push(container);
        continue;
      }
      const img = type === "container" ? undefined : findImage(state, arg);
      if (!img) {
        ctx.io.err(`Error: No such ${type || "object"}: ${arg}\n`);
        failed = true;
        continue;
      }
      found.push(inspectImage(store, img));
    } catch (e) {
      if (!isHoistError(e)) throw e;
      ctx.io.err(`Error: ${e.message}\n`);
      failed = true;
    }
  }
  const format = flags.string("format");
  if (format) ctx.io.out(renderEach(format, found));
  else ctx.io.out(`${goJson(found, "    ")}\n`);
  return failed ? 1 : 0;
};
