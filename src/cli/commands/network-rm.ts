// hoist network rm NETWORK...: refused while containers are attached (or, in this store, set to use it).
import { deleteNetwork, findNetwork } from "../../network/index.ts";
import { isHoistError } from "../../errors.ts";
import { isActive } from "../../runtime/lifecycle.ts";
import type { CommandModule } from "../command.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "network rm",
  aliases: ["network remove"],
  usage: "network rm NETWORK [NETWORK...]",
  description: "Remove one or more networks",
  flags: [{ name: "force", short: "f", type: "bool", description: "Do not error if the network does not exist" }],
  args: { min: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const containers = Object.values(openEngine(ctx).containers.read().containers);
  const uses = (name: string): boolean => containers.some((c) => c.HostConfig.NetworkMode === name && isActive(c));
  let failed = false;
  for (const a of args) {
    try {
      const n = findNetwork(a);
      if (!n) {
        if (flags.bool("force")) continue;
        throw new Error(`network ${a} not found`);
      }
      deleteNetwork(n, uses);
      ctx.io.out(`${a}\n`);
    } catch (e) {
      if (!isHoistError(e) && !(e instanceof Error)) throw e;
      ctx.io.err(`Error response from daemon: ${e.message}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
};
