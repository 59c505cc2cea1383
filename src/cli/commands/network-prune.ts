// hoist network prune [-f]: remove every user-defined network no container is attached to.
import { deleteNetwork, inUse, listNetworks, sweepIsolationRules, sweepOrphans } from "../../network/index.ts";
import { isActive } from "../../runtime/lifecycle.ts";
import type { CommandModule } from "../command.ts";
import { confirm } from "../prompt.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "network prune",
  usage: "network prune [OPTIONS]",
  description: "Remove all unused networks",
  flags: [{ name: "force", short: "f", type: "bool", description: "Do not prompt for confirmation" }],
  args: { max: 0 },
};

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  const warning = "WARNING! This will remove all custom networks not used by at least one container.";
  if (!flags.bool("force") && !(await confirm(ctx, warning))) return;
  const containers = Object.values(openEngine(ctx).containers.read().containers);
  const uses = (name: string): boolean => containers.some((c) => c.HostConfig.NetworkMode === name && isActive(c));
  // First the attachments a crash left behind, so that their networks count as unused.
  await sweepOrphans();
  const deleted: string[] = [];
  for (const n of listNetworks()) {
    if (inUse(n) || uses(n.Name)) continue;
    deleteNetwork(n, uses);
    deleted.push(n.Name);
  }
  sweepIsolationRules();
  if (deleted.length) ctx.io.out(`Deleted Networks:\n${deleted.map((d) => `${d}\n`).join("")}`);
};
