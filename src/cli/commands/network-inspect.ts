// hoist network inspect [-f FORMAT] NETWORK...
import { allNetworks, inspectNetwork } from "../../network/index.ts";
import { HoistError } from "../../errors.ts";
import type { CommandModule } from "../command.ts";
import { goJson, renderEach } from "../format.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "network inspect",
  usage: "network inspect [OPTIONS] NETWORK [NETWORK...]",
  description: "Display detailed information on one or more networks",
  flags: [{ name: "format", short: "f", type: "string", description: "Format output using a custom template" }],
  args: { min: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const names: Record<string, string> = {};
  for (const c of Object.values(openEngine(ctx).containers.read().containers)) names[c.Id] = c.Name;
  const all = allNetworks();
  const found: object[] = [];
  const missing: string[] = [];
  for (const a of args) {
    const n = all.find((x) => x.Name === a || x.Id === a) ?? all.find((x) => x.Id.startsWith(a));
    if (n) found.push(inspectNetwork(n, names));
    else missing.push(a);
  }
  const format = flags.string("format");
  ctx.io.out(format !== undefined ? renderEach(format, found) : `${goJson(found, "    ")}\n`);
  if (missing.length) throw new HoistError("NOT_FOUND", missing.map((m) => `network ${m} not found`).join("\n"));
};
