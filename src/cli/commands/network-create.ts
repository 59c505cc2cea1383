// hoist network create [--subnet CIDR] [--gateway IP] [--internal] [-d bridge] [--label K=V] NAME
import { createNetwork } from "../../network/index.ts";
import type { CommandModule } from "../command.ts";

export const spec: CommandModule["spec"] = {
  name: "network create",
  usage: "network create [OPTIONS] NETWORK",
  description: "Create a network",
  flags: [
    { name: "driver", short: "d", type: "string", description: 'Driver to manage the Network (default "bridge")' },
    { name: "subnet", type: "string", description: "Subnet in CIDR format that represents a network segment" },
    { name: "gateway", type: "string", description: "IPv4 Gateway for the master subnet" },
    { name: "internal", type: "bool", description: "Restrict external access to the network" },
    { name: "label", type: "strings", description: "Set metadata on a network" },
  ],
  args: { min: 1, max: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const labels: Record<string, string> = {};
  for (const l of flags.strings("label")) {
    const eq = l.indexOf("=");
    labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? "" : l.slice(eq + 1);
  }
  const subnet = flags.string("subnet");
  const gateway = flags.string("gateway");
  const driver = flags.string("driver");
  const n = createNetwork(args[0] as string, {
    ...(subnet !== undefined ? { subnet } : {}),
    ...(gateway !== undefined ? { gateway } : {}),
    ...(driver !== undefined ? { driver } : {}),
    internal: flags.bool("internal"),
    labels,
  });
  ctx.io.out(`${n.Id}\n`);
};
