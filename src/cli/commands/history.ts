// hoist history / image history
import { parseImageConfig } from "../../oci/index.ts";
import { getImage, type ImageRecord, type StoreState } from "../../store/index.ts";
import type { CommandModule } from "../command.ts";
import { printRows } from "../format.ts";
import { openStore } from "../store.ts";
import { ago, humanSize } from "../units.ts";

export const spec: CommandModule["spec"] = {
  name: "history",
  aliases: ["image history"],
  usage: "history [OPTIONS] IMAGE",
  description: "Show the history of an image",
  flags: [
    { name: "format", type: "string", description: "Format output using a custom template" },
    {
      name: "human",
      short: "H",
      type: "bool",
      default: true,
      description: "Print sizes and dates in human readable format",
    },
    { name: "no-trunc", type: "bool", description: "Don't truncate output" },
    { name: "quiet", short: "q", type: "bool", description: "Only show image IDs" },
  ],
  args: { exact: 1 },
};

/** Docker's Ellipsis: cut to `max` display characters, ending in "…". */
export function ellipsis(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  return `${chars.slice(0, max - 1).join("")}…`;
}

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const store = openStore(ctx);
  const state = store.state();
  const img = getImage(state, args[0] ?? "");
  const config = parseImageConfig(store.readBlob(img.id));
  const history = config.history ?? [];
  const noTrunc = flags.bool("no-trunc");
  const human = flags.bool("human");
  const ids = historyIds(store, state, img, history.length);
  let layer = 0;
  const rows = history.map((h, i) => {
    const size = h.empty_layer ? 0 : (state.layers[(img.layers[layer++] ?? "").slice(7)]?.size ?? 0);
    const id = ids[i];
    const createdBy = (h.created_by ?? "").replace(/\t/g, " ");
    return {
      ID: id === undefined ? "<missing>" : noTrunc ? id : id.slice(7, 19),
      CreatedSince: human ? ago(h.created) : (h.created ?? ""),
      CreatedAt: h.created ?? "",
      CreatedBy: noTrunc ? createdBy : ellipsis(createdBy, 45),
      Size: human ? humanSize(size, 3) : String(size),
      Comment: h.comment ?? "",
    };
  });
  rows.reverse();
  if (flags.bool("quiet")) {
    ctx.io.out(rows.map((r) => `${r.ID}\n`).join(""));
    return;
  }
  printRows(
    ctx,
    flags.string("format") || "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}",
    rows,
    {
      ID: "IMAGE",
      CreatedSince: "CREATED",
      CreatedAt: "CREATED AT",
      CreatedBy: "CREATED BY",
      Size: "SIZE",
      Comment: "COMMENT",
    },
  );
};

/** Which history rows carry an image ID: the image's own last row, and each local parent's last row. */
function historyIds(
  store: ReturnType<typeof openStore>,
  state: StoreState,
  img: ImageRecord,
  n: number,
): (string | undefined)[] {
  const ids: (string | undefined)[] = new Array(n).fill(undefined);
  if (n > 0) ids[n - 1] = img.id;
  let parent = img.parent ? state.images[img.parent.slice(7)] : undefined;
  const seen = new Set<string>([img.id]);
  while (parent && !seen.has(parent.id)) {
    seen.add(parent.id);
    const len = parseImageConfig(store.readBlob(parent.id)).history?.length ?? 0;
    if (len > 0 && len <= n) ids[len - 1] = parent.id;
    parent = parent.parent ? state.images[parent.parent.slice(7)] : undefined;
  }
  return ids;
}
