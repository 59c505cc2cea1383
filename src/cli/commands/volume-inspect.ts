// hoist volume inspect [-f FORMAT] VOLUME...
import { HoistError } from "../../errors.ts";
import { getVolume, inspectVolume } from "../../runtime/volumes.ts";
import type { CommandModule } from "../command.ts";
import { goJson, renderEach } from "../format.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "volume inspect",
  usage: "volume inspect [OPTIONS] VOLUME [VOLUME...]",
  description: "Display detailed information on one or more volumes",
  flags: [{ name: "format", short: "f", type: "string", description: "Format output using a custom template" }],
  args: { min: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const engine = openEngine(ctx);
  const cs = engine.containers.read();
  const found: object[] = [];
  const missing: string[] = [];
  for (const a of args) {
    const v = getVolume(engine, cs, a);
    if (v) found.push(inspectVolume(v));
    else missing.push(a);
  }
  const format = flags.string("format");
  if (format !== undefined) ctx.io.out(renderEach(format, found));
  else if (found.length || !missing.length) ctx.io.out(`${goJson(found, "    ")}\n`);
  else ctx.io.out("[]\n");
  if (missing.length) throw new HoistError("NOT_FOUND", missing.map((m) => `No such volume: ${m}`).join("\n"));
};
