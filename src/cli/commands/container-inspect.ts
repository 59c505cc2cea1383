// hoist container inspect [-f FORMAT] [-s] CONTAINER...
import { isHoistError } from "../../errors.ts";
import { inspectContainer } from "../../runtime/inspect.ts";
import { refresh } from "../../runtime/lifecycle.ts";
import { findContainer, getContainer } from "../../store/index.ts";
import type { CommandModule, Context } from "../command.ts";
import { goJson, renderEach } from "../format.ts";
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
  const found: unknown[] = [];
  let failed = false;
  for (const arg of args) {
    try {
      found.push(await inspectContainer(engine, getContainer(cs, arg), { size: flags.bool("size") }));
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
