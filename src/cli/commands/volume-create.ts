// hoist volume create [-d local] [--label K=V] [-o K=V] [NAME]: prints the volume's name.
import { HoistError } from "../../errors.ts";
import { createVolume } from "../../runtime/volumes.ts";
import type { CommandModule } from "../command.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "volume create",
  usage: "volume create [OPTIONS] [VOLUME]",
  description: "Create a volume",
  flags: [
    { name: "driver", short: "d", type: "string", description: 'Specify volume driver name (default "local")' },
    { name: "label", type: "strings", valueName: "list", description: "Set metadata for a volume" },
    { name: "opt", short: "o", type: "strings", valueName: "map", description: "Set driver specific options" },
    { name: "name", type: "string", description: "Specify volume name", hidden: true },
  ],
  args: { max: 1 },
};

/** KEY=VALUE (or KEY alone: an empty value) flags into a map. */
export function keyValues(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of list) {
    const eq = l.indexOf("=");
    out[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? "" : l.slice(eq + 1);
  }
  return out;
}

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const flagName = flags.string("name");
  if (flagName !== undefined && args[0] !== undefined)
    throw new HoistError(
      "INVALID_ARGUMENT",
      "conflicting options: either specify --name or provide positional arg, not both",
    );
  const name = args[0] ?? flagName;
  const driver = flags.string("driver");
  const created = await createVolume(openEngine(ctx), {
    ...(name !== undefined ? { name } : {}),
    ...(driver !== undefined ? { driver } : {}),
    labels: keyValues(flags.strings("label")),
    options: keyValues(flags.strings("opt")),
  });
  ctx.io.out(`${created}\n`);
};
