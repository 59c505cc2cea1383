// hoist top / container top CONTAINER [ps OPTIONS]
import { containerTop } from "../../runtime/top.ts";
import type { CommandModule } from "../command.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "top",
  aliases: ["container top"],
  usage: "top CONTAINER [ps OPTIONS]",
  description: "Display the running processes of a container",
  flags: [],
  args: { min: 1 },
  stopAtFirstArg: true,
};

export const run: CommandModule["run"] = async (ctx, args) => {
  const [ref = "", ...ps] = args;
  const top = await containerTop(openEngine(ctx), ref, ps);
  const rows = [top.Titles, ...top.Processes];
  const widths = top.Titles.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  for (const r of rows)
    ctx.io.out(`${r.map((v, i) => (i === r.length - 1 ? v : v.padEnd((widths[i] ?? 0) + 3))).join("")}\n`);
};
