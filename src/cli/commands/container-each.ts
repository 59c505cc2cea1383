// Commands that act on several containers: each argument in turn, docker's "Error response" per failure,
// the argument echoed on success, exit 1 when any failed.
import { isHoistError } from "../../errors.ts";
import type { Context } from "../command.ts";

export async function eachContainer(
  ctx: Context,
  refs: string[],
  fn: (ref: string) => Promise<void>,
  echo = true,
): Promise<number> {
  let failed = false;
  for (const ref of refs) {
    try {
      await fn(ref);
      if (echo) ctx.io.out(`${ref}\n`);
    } catch (e) {
      if (!isHoistError(e)) throw e;
      ctx.io.err(`Error: ${e.message}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
