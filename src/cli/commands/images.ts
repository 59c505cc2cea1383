// hoist images / image ls
import { HoistError } from "../../errors.ts";
import { parseImageConfig } from "../../oci/index.ts";
import { familiarMatch, parseNormalizedNamed, familiarString, toString } from "../../ref/index.ts";
import { findImage, repositoryOf, tagOf, type ImageRecord, type StoreState } from "../../store/index.ts";
import type { CommandModule } from "../command.ts";
import { printRows } from "../format.ts";
import { openStore } from "../store.ts";
import { ago, humanSize } from "../units.ts";
import { goTime, parseFilters } from "../filters.ts";

export const spec: CommandModule["spec"] = {
  name: "images",
  aliases: ["image ls", "image list"],
  usage: "images [OPTIONS] [REPOSITORY[:TAG]]",
  description: "List images",
  flags: [
    { name: "all", short: "a", type: "bool", description: "Show all images (default hides intermediate images)" },
    { name: "digests", type: "bool", description: "Show digests" },
    {
      name: "filter",
      short: "f",
      type: "strings",
      valueName: "filter",
      description: "Filter output based on conditions provided",
    },
    { name: "format", type: "string", description: "Format output using a custom template" },
    { name: "no-trunc", type: "bool", description: "Don't truncate output" },
    { name: "quiet", short: "q", type: "bool", description: "Only show image IDs" },
  ],
  args: { max: 1 },
};

export interface ImageRow {
  Repository: string;
  Tag: string;
  ID: string;
  Digest: string;
  CreatedSince: string;
  CreatedAt: string;
  Size: string;
  VirtualSize: string;
  SharedSize: string;
  UniqueSize: string;
  Containers: string;
}

function familiar(full: string): string {
  return familiarString(parseNormalizedNamed(full));
}

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const store = openStore(ctx);
  const state = store.state();
  const filters = parseFilters(flags.strings("filter"), ["dangling", "reference", "label", "before", "since"]);
  let images = Object.values(state.images);
  const children = new Set(images.map((i) => i.parent).filter(Boolean));
  if (!flags.bool("all")) images = images.filter((i) => i.names.length > 0 || !children.has(i.id));
  const labelsOf = (img: ImageRecord): Record<string, string> =>
    (parseImageConfig(store.readBlob(img.id)).config?.Labels as Record<string, string> | undefined) ?? {};
  images = applyFilters(state, images, filters, args[0], labelsOf);
  // Newest first. Plain string order (ISO times sort as strings); localeCompare would load ICU's collator.
  const when = (i: ImageRecord): string => i.created ?? i.added;
  images.sort((a, b) => (when(a) < when(b) ? 1 : when(a) > when(b) ? -1 : 0));

  const noTrunc = flags.bool("no-trunc");
  const id = (img: ImageRecord): string => (noTrunc ? img.id : img.id.slice(7, 19));
  if (flags.bool("quiet")) {
    const seen = new Set<string>();
    for (const img of images) {
      if (seen.has(img.id)) continue;
      seen.add(img.id);
      ctx.io.out(`${id(img)}\n`);
    }
    return;
  }
  const refFilter = filters.get("reference") ?? [];
  const rows: ImageRow[] = [];
  for (const img of images) {
    const names = img.names.length ? img.names : [undefined];
    const digest = img.digests[0]?.split("@")[1] ?? "<none>";
    for (const name of names) {
      if (name && refFilter.length && !refFilter.some((p) => familiarMatch(p, parseNormalizedNamed(name)))) continue;
      const size = humanSize(img.size, 3);
      rows.push({
        Repository: name ? familiar(repositoryOf(name)) : "<none>",
        Tag: name ? tagOf(name) : "<none>",
        ID: id(img),
        Digest: digest,
        CreatedSince: ago(img.created),
        CreatedAt: img.created ? goTime(img.created) : "",
        Size: size,
        VirtualSize: size,
        SharedSize: "N/A",
        UniqueSize: "N/A",
        Containers: "N/A",
      });
    }
  }
  const def = flags.bool("digests")
    ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
    : "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
  printRows(ctx, flags.string("format") || def, rows, {
    Repository: "REPOSITORY",
    Tag: "TAG",
    ID: "IMAGE ID",
    Digest: "DIGEST",
    CreatedSince: "CREATED",
    CreatedAt: "CREATED AT",
    Size: "SIZE",
    VirtualSize: "VIRTUAL SIZE",
    SharedSize: "SHARED SIZE",
    UniqueSize: "UNIQUE SIZE",
    Containers: "CONTAINERS",
  });
};

function applyFilters(
  state: StoreState,
  images: ImageRecord[],
  filters: Map<string, string[]>,
  repoArg: string | undefined,
  labelsOf: (img: ImageRecord) => Record<string, string>,
): ImageRecord[] {
  const dangling = filters.get("dangling");
  if (dangling?.length) {
    const want = dangling[0] === "true" || dangling[0] === "1";
    if (!["true", "false", "1", "0"].includes(dangling[0] ?? ""))
      throw new HoistError("INVALID_ARGUMENT", `invalid filter 'dangling=${dangling[0]}'`);
    images = images.filter((i) => (i.names.length === 0) === want);
  }
  for (const label of filters.get("label") ?? []) {
    const eq = label.indexOf("=");
    images = images.filter((i) => {
      const labels = labelsOf(i);
      return eq < 0 ? label in labels : labels[label.slice(0, eq)] === label.slice(eq + 1);
    });
  }
  for (const [key, keep] of [
    ["before", (i: ImageRecord, ref: ImageRecord) => (i.created ?? i.added) < (ref.created ?? ref.added)],
    ["since", (i: ImageRecord, ref: ImageRecord) => (i.created ?? i.added) > (ref.created ?? ref.added)],
  ] as const) {
    for (const v of filters.get(key) ?? []) {
      const ref = findImage(state, v);
      if (!ref) throw new HoistError("NOT_FOUND", `No such image: ${v}`);
      images = images.filter((i) => keep(i, ref));
    }
  }
  const refs = filters.get("reference") ?? [];
  if (refs.length)
    images = images.filter((i) => i.names.some((n) => refs.some((p) => familiarMatch(p, parseNormalizedNamed(n)))));
  if (repoArg !== undefined) {
    const ref = parseNormalizedNamed(repoArg);
    const repo = toString({ domain: ref.domain, path: ref.path });
    images = images
      .map((i) => ({
        ...i,
        names: i.names.filter((n) => repositoryOf(n) === repo && (ref.tag === undefined || tagOf(n) === ref.tag)),
      }))
      .filter((i) => i.names.length > 0);
  }
  return images;
}
