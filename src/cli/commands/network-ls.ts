// hoist network ls [-q] [--format]: NETWORK ID  NAME  DRIVER  SCOPE
import { allNetworks } from "../../network/index.ts";
import type { CommandModule } from "../command.ts";
import { printRows } from "../format.ts";

export const spec: CommandModule["spec"] = {
  name: "network ls",
  usage: "network ls [OPTIONS]",
  description: "List networks",
  flags: [
    { name: "quiet", short: "q", type: "bool", description: "Only display network IDs" },
    { name: "format", type: "string", description: "Format output using a custom template" },
    { name: "no-trunc", type: "bool", description: "Do not truncate the output" },
  ],
  args: { max: 0 },
};

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  const trunc = !flags.bool("no-trunc");
  const rows = allNetworks().map((n) => ({
    ID: trunc ? n.Id.slice(0, 12) : n.Id,
    Name: n.Name,
    Driver: n.Driver,
    Scope: "local",
    Internal: String(n.Internal),
  }));
  const format = flags.bool("quiet")
    ? "{{.ID}}"
    : (flags.string("format") ?? "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}");
  printRows(ctx, format, rows, {
    ID: "NETWORK ID",
    Name: "NAME",
    Driver: "DRIVER",
    Scope: "SCOPE",
    Internal: "INTERNAL",
  });
};
