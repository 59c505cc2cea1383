// hoist system df [-v]
import type { ImageRecord } from "../../store/index.ts";
import { repositoryOf, tagOf } from "../../store/index.ts";
import type { CommandModule, Context } from "../command.ts";
import { printRows } from "../format.ts";
import { familiar } from "../names.ts";
import { openStore } from "../store.ts";
import { ago, humanSize } from "../units.ts";

export const spec: CommandModule["spec"] = {
  name: "system df",
  usage: "system df [OPTIONS]",
  description: "Show hoist disk usage",
  flags: [
    { name: "format", type: "string", description: "Format output using a custom template" },
    { name: "verbose", short: "v", type: "bool", description: "Show detailed information on space usage" },
  ],
  args: { max: 0 },
};

function reclaimable(reclaim: number, total: number): string {
  return total > 0 ? `${humanSize(reclaim)} (${Math.trunc((reclaim * 100) / total)}%)` : humanSize(reclaim);
}

/** Volumes: count, how many containers mount, their sizes (what prune --all could free is the unused ones'). */
async function volumeUsage(ctx: Context): Promise<{
  active: number;
  size: number;
  reclaimable: number;
  rows: { Name: string; Links: string; Size: string }[];
}> {
  const { listVolumes } = await import("../../runtime/volumes.ts");
  const { treeSize } = await import("../../store/index.ts");
  const { openEngine } = await import("./container-flags.ts");
  const engine = openEngine(ctx);
  const u = { active: 0, size: 0, reclaimable: 0, rows: [] as { Name: string; Links: string; Size: string }[] };
  for (const v of listVolumes(engine, engine.containers.read())) {
    const size = treeSize(v.Mountpoint);
    u.size += size;
    if (v.users.length) u.active++;
    else u.reclaimable += size;
    u.rows.push({ Name: v.Name, Links: String(v.users.length), Size: humanSize(size) });
  }
  return u;
}

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  const state = openStore(ctx).state();
  const images = Object.values(state.images);
  const total = Object.values(state.layers).reduce((n, l) => n + l.size, 0);
  const cu = await (await import("./container-df.ts")).containerUsage(ctx);
  const active = images.filter((i) => cu.images.has(i.id)).length;
  const usedLayers = new Set(images.filter((i) => cu.images.has(i.id)).flatMap((i) => i.layers.map((l) => l.slice(7))));
  const inUseSize = [...usedLayers].reduce((n, l) => n + (state.layers[l]?.size ?? 0), 0);
  const vu = await volumeUsage(ctx);
  if (flags.bool("verbose")) {
    const useCount = new Map<string, number>();
    for (const img of images) for (const l of new Set(img.layers)) useCount.set(l, (useCount.get(l) ?? 0) + 1);
    const shared = (img: ImageRecord): number =>
      [...new Set(img.layers)].reduce(
        (n, l) => n + ((useCount.get(l) ?? 0) > 1 ? (state.layers[l.slice(7)]?.size ?? 0) : 0),
        0,
      );
    const rows = images.flatMap((img) =>
      (img.names.length ? img.names : [undefined]).map((n) => ({
        Repository: n ? familiar(repositoryOf(n)) : "<none>",
        Tag: n ? tagOf(n) : "<none>",
        ID: img.id.slice(7, 19),
        CreatedSince: ago(img.created),
        Size: humanSize(img.size),
        SharedSize: humanSize(shared(img)),
        UniqueSize: humanSize(img.size - shared(img)),
        Containers: String(cu.images.get(img.id) ?? 0),
      })),
    );
    ctx.io.out("Images space usage:\n\n");
    printRows(
      ctx,
      "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}",
      rows,
      {
        Repository: "REPOSITORY",
        Tag: "TAG",
        ID: "IMAGE ID",
        CreatedSince: "CREATED",
        Size: "SIZE",
        SharedSize: "SHARED SIZE",
        UniqueSize: "UNIQUE SIZE",
        Containers: "CONTAINERS",
      },
    );
    ctx.io.out("\nContainers space usage:\n\n");
    (await import("./container-df.ts")).printContainerUsage(ctx, cu);
    ctx.io.out("\nLocal Volumes space usage:\n\n");
    printRows(ctx, "table {{.Name}}\t{{.Links}}\t{{.Size}}", vu.rows, {
      Name: "VOLUME NAME",
      Links: "LINKS",
      Size: "SIZE",
    });
    ctx.io.out("\nBuild cache usage: 0B\n\nCACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED\n");
    return;
  }
  const rows = [
    {
      Type: "Images",
      TotalCount: String(images.length),
      Active: String(active),
      Size: humanSize(total),
      Reclaimable: reclaimable(total - inUseSize, total),
    },
    {
      Type: "Containers",
      TotalCount: String(cu.total),
      Active: String(cu.active),
      Size: humanSize(cu.size),
      Reclaimable: reclaimable(cu.reclaimable, cu.size),
    },
    {
      Type: "Local Volumes",
      TotalCount: String(vu.rows.length),
      Active: String(vu.active),
      Size: humanSize(vu.size),
      Reclaimable: reclaimable(vu.reclaimable, vu.size),
    },
    { Type: "Build Cache", TotalCount: "0", Active: "0", Size: "0B", Reclaimable: "0B" },
  ];
  printRows(
    ctx,
    flags.string("format") || "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}",
    rows,
    {
      Type: "TYPE",
      TotalCount: "TOTAL",
      Active: "ACTIVE",
      Size: "SIZE",
      Reclaimable: "RECLAIMABLE",
    },
  );
};
