// hoist system check [--repair]
import { checkStore } from "../../store/index.ts";
import type { CommandModule } from "../command.ts";
import { openStore } from "../store.ts";

export const spec: CommandModule["spec"] = {
  name: "system check",
  usage: "system check [OPTIONS]",
  description: "Check the store for damaged blobs, layers and images",
  flags: [
    {
      name: "repair",
      short: "r",
      type: "bool",
      description: "Remove damaged blobs, layers and the images that use them",
    },
  ],
  args: { max: 0 },
};

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  const store = openStore(ctx);
  const repair = flags.bool("repair");
  const r = await store.update((state) => checkStore(store.paths, state, repair));
  for (const p of r.problems) ctx.io.out(`${p.kind}: ${p.what}: ${p.detail}\n`);
  for (const id of r.removedImages) ctx.io.out(`removed damaged image ${id}\n`);
  if (r.problems.length === 0) {
    ctx.io.out(`No problems found (${r.images} images, ${r.layers} layers, ${r.blobs} blobs checked)\n`);
    return 0;
  }
  ctx.io.out(
    repair
      ? `Repaired ${r.problems.length} problem(s)\n`
      : `Found ${r.problems.length} problem(s); run 'hoist system check --repair' to remove what is damaged\n`,
  );
  return repair ? 0 : 1;
};
