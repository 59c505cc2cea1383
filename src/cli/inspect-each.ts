// docker's inspect loop: one lookup a name, errors said and counted, what was found printed as one JSON array or
// with the --format template.
import { isHoistError } from "../errors.ts";
import type { Context } from "./command.ts";
import { goJson, renderEach } from "./format.ts";

/** Inspect each of `names` with `lookup`; exit 1 when any failed (with a HoistError, said on stderr), else 0. */
export async function inspectEach(
  ctx: Context,
  names: string[],
  format: string | undefined,
  lookup: (name: string) => Promise<unknown>,
): Promise<number> {
  const found: unknown[] = [];
  let failed = false;
  for (const name of names) {
    try {
      found.push(await lookup(name));
    } catch (e) {
      if (!isHoistError(e)) throw e;
      ctx.io.err(`Error: ${e.message}\n`);
      failed = true;
    }
  }
  if (format) ctx.io.out(renderEach(format, found));
  else ctx.io.out(`${goJson(found, "    ")}\n`);
  return failed ? 1 : 0;
}
