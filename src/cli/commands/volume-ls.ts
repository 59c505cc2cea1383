// hoist volume ls [-q] [--filter dangling=|driver=|label=|name=] [--format]: DRIVER  VOLUME NAME
import { HoistError } from "../../errors.ts";
import { labelMatch, listVolumes, sortedKeys, type Volume } from "../../runtime/volumes.ts";
import type { CommandModule } from "../command.ts";
import { parseFilters } from "../filters.ts";
import { printRows } from "../format.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "volume ls",
  aliases: ["volume list"],
  usage: "volume ls [OPTIONS]",
  description: "List volumes",
  flags: [
    {
      name: "filter",
      short: "f",
      type: "strings",
      valueName: "filter",
      description: "Provide filter values (e.g. 'dangling=true')",
    },
    { name: "format", type: "string", description: "Format output using a custom template" },
    { name: "quiet", short: "q", type: "bool", description: "Only display volume names" },
  ],
  args: { max: 0 },
};

/** docker's volume filters: values of one key OR'ed, keys AND'ed. */
export function volumeFilter(raw: string[]): (v: Volume) => boolean {
  try {
    return filterOf(parseFilters(raw, ["dangling", "driver", "label", "name"]));
  } catch (e) {
    throw Object.assign(new HoistError("INVALID_ARGUMENT", `Error response from daemon: ${(e as Error).message}`), {
      plain: true,
    });
  }
}

function filterOf(filters: Map<string, string[]>): (v: Volume) => boolean {
  const tests: ((v: Volume) => boolean)[] = [];
  for (const [key, values] of filters) {
    if (key === "dangling") {
      const wants = values.map((d) => {
        if (!["true", "false", "1", "0"].includes(d.toLowerCase()))
          throw new HoistError("INVALID_ARGUMENT", `invalid filter 'dangling=${d}'`);
        return d === "true" || d === "1";
      });
      tests.push((v) => wants.includes(v.users.length === 0));
    } else if (key === "driver") tests.push((v) => values.some((d) => v.Driver.includes(d)));
    else if (key === "name") tests.push((v) => values.some((n) => v.Name.includes(n)));
    else tests.push((v) => values.every((l) => labelMatch(v.Labels, l)));
  }
  return (v) => tests.every((t) => t(v));
}

function labelsText(labels: Record<string, string> | null): string {
  return Object.entries(sortedKeys(labels ?? {}))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  const engine = openEngine(ctx);
  const keep = volumeFilter(flags.strings("filter"));
  const volumes = listVolumes(engine, engine.containers.read()).filter(keep);
  const rows = volumes.map((v) => ({
    Name: v.Name,
    Driver: v.Driver,
    Scope: v.Scope,
    Mountpoint: v.Mountpoint,
    Labels: labelsText(v.Labels),
    Links: String(v.users.length),
    Size: "N/A",
    CreatedAt: v.CreatedAt,
  }));
  const format = flags.bool("quiet") ? "{{.Name}}" : flags.string("format") || "table {{.Driver}}\t{{.Name}}";
  printRows(ctx, format, rows, {
    Name: "VOLUME NAME",
    Driver: "DRIVER",
    Scope: "SCOPE",
    Mountpoint: "MOUNTPOINT",
    Labels: "LABELS",
    Links: "LINKS",
    Size: "SIZE",
    CreatedAt: "CREATED AT",
  });
};
