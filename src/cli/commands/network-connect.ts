// hoist network connect NETWORK CONTAINER: a running container joins another bridge network (as ethN).
import { HoistError } from "../../errors.ts";
import { connectBridge, findNetwork, checkAliases } from "../../network/index.ts";
import { findActive } from "../../runtime/lifecycle.ts";
import type { CommandModule } from "../command.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "network connect",
  usage: "network connect [OPTIONS] NETWORK CONTAINER",
  description: "Connect a running container to a network",
  flags: [
    { name: "alias", type: "strings", valueName: "strings", description: "Add network-scoped alias for the container" },
  ],
  args: { min: 2, max: 2 },
};

export const run: CommandModule["run"] = async (_ctx, args, flags) => {
  const aliases = flags.strings("alias");
  const aliasError = checkAliases(aliases, findNetwork(args[0] as string)?.Name ?? "");
  if (aliasError)
    throw Object.assign(new HoistError("CONFLICT", `Error response from daemon: ${aliasError}`), { plain: true });
  const c = await findActive(openEngine(_ctx), args[1] as string);
  if (c.HostConfig.NetworkMode === "host" || c.HostConfig.NetworkMode === "none")
    throw new HoistError(
      "CONFLICT",
      `container sharing network namespace with ${c.HostConfig.NetworkMode} cannot be connected`,
    );
  const names = [...new Set([c.Name, c.Config.Hostname, c.Id.slice(0, 12)])];
  await connectBridge(c.Id, args[0] as string, names, [...new Set(aliases)]);
};
