// hoist port / container port CONTAINER [PRIVATE_PORT[/PROTO]]
import { HoistError } from "../../errors.ts";
import { readNetworkState } from "../../network/index.ts";
import { findActive } from "../../runtime/lifecycle.ts";
import type { CommandModule } from "../command.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "port",
  aliases: ["container port"],
  usage: "port CONTAINER [PRIVATE_PORT[/PROTO]]",
  description: "List port mappings or a specific mapping for the container",
  flags: [],
  args: { min: 1, max: 2 },
};

export const run: CommandModule["run"] = async (ctx, args) => {
  const c = await findActive(openEngine(ctx), args[0] as string);
  // The ports in effect while the container runs (src/network records them, with the chosen host ports).
  const published = readNetworkState(c.Id)?.ports ?? {};
  const want = args[1] === undefined ? undefined : args[1].includes("/") ? args[1] : `${args[1]}/tcp`;
  const lines: string[] = [];
  for (const [port, bindings] of Object.entries(published)) {
    if (want !== undefined && port !== want) continue;
    for (const b of bindings)
      lines.push(want ? `${b.HostIp || "0.0.0.0"}:${b.HostPort}` : `${port} -> ${b.HostIp || "0.0.0.0"}:${b.HostPort}`);
  }
  if (want !== undefined && lines.length === 0)
    throw new HoistError("NOT_FOUND", `No public port '${want}' published for ${args[0]}`);
  ctx.io.out(lines.map((l) => `${l}\n`).join(""));
};
