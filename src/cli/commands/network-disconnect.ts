// hoist network disconnect [-f] NETWORK CONTAINER
import { disconnectBridge } from "../../network/index.ts";
import { findActive } from "../../runtime/lifecycle.ts";
import type { CommandModule } from "../command.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "network disconnect",
  usage: "network disconnect [OPTIONS] NETWORK CONTAINER",
  description: "Disconnect a running container from a network",
  flags: [{ name: "force", short: "f", type: "bool", description: "Force the container to disconnect from a network" }],
  args: { min: 2, max: 2 },
};

export const run: CommandModule["run"] = async (ctx, args) => {
  const c = await findActive(openEngine(ctx), args[1] as string);
  await disconnectBridge(c.Id, args[0] as string);
};
