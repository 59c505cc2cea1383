// hoist container inspect [-f FORMAT] [-s] CONTAINER...
import { inspectContainer } from "../../runtime/inspect.ts";
import { refresh } from "../../runtime/lifecycle.ts";
import { findContainer, getContainer } from "../../store/index.ts";
import type { CommandModule, Context } from "../command.ts";
import { inspectEach } from "../inspect-each.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "container inspect",
  usage: "container inspect [OPTIONS] CONTAINER [CONTAINER...]",
  description: "Display detailed information on one or more containers",
  flags: [
    { name: "format", short: "f", type: "string", description: "Format output using a custom template" },
    { name: "size", short: "s", type: "bool", description: "Display total file sizes" },
  ],
  args: { min: 1 },
};

/** The container `ref` names, inspected; undefined when there is none (for `inspect`'s fallback to images). */
export async function inspectByRef(
  ctx: Context,
  ref: string,
  size: boolean,
): Promise<Record<string, unknown> | undefined> {
  const engine = openEngine(ctx);
  const c = findContainer(await refresh(engine), ref);
  return c && inspectContainer(engine, c, { size });
}

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const engine = openEngine(ctx);
  const cs = await refresh(engine);
  return inspectEach(ctx, args, flags.string("format"), (arg) =>
    inspectContainer(engine, getContainer(cs, arg), { size: flags.bool("size") }),
  );
};
