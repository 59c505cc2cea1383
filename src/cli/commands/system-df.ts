// hoist system df [-v]
import type { ImageRecord } from "../../store/index.ts";
import { repositoryOf, tagOf } from "../../store/index.ts";
import type { CommandModule } from "../command.ts";
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

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  const state = openStore(ctx).state();
  const images = Object.values(state.images);
  const total = Object.values(state.layers).reduce((n, l) => n + l.size, 0);
  const cu = await (await import("./container-df.ts")).containerUsage(ctx);
  const active = images.filter((i) => cu.images.has(i.id)).length;
  const usedLayers = new Set(images.filter((i) => cu.images.has(i.id)).flatMap((i) => i.layers.map((l) => l.slice(7))));
  const inUseSize = [...usedLayers].reduce((n, l) => n + (state.layers[l]?.size ?? 0), 0);
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
    ctx.io.out("\nLocal Volumes space usage:\n\nVOLUME NAME   LINKS     SIZE\n");
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
    { Type: "Local Volumes", TotalCount: "0", Active: "0", Size: "0B", Reclaimable: "0B" },
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
