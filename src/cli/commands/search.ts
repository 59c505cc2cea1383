// hoist search [--limit N] [-f stars=N|is-official=BOOL] [--format T] [--no-trunc] [--list-tags] TERM:
// Docker Hub's search for docker.io, a registry's /v1/search or its catalog for `host:port/term`.
import { HoistError, UsageError } from "../../errors.ts";
import { familiarName, name, parseNormalizedNamed } from "../../ref/index.ts";
import { listTags, registryClient, search, splitSearchTerm, type SearchResult } from "../../transports/remote/index.ts";
import type { CommandModule } from "../command.ts";
import { printRows } from "../format.ts";

export const spec: CommandModule["spec"] = {
  name: "search",
  usage: "search [OPTIONS] TERM",
  description: "Search Docker Hub (or the registry TERM names, e.g. localhost:5000/ubu) for images",
  flags: [
    { name: "filter", short: "f", type: "strings", description: "Filter output based on conditions provided" },
    { name: "format", type: "string", description: "Pretty-print search using a Go template" },
    { name: "limit", type: "int", default: 25, description: "Max number of search results" },
    { name: "no-trunc", type: "bool", description: "Don't truncate output" },
    { name: "list-tags", type: "bool", description: "List the tags of the repository TERM names" },
    {
      name: "tls-verify",
      type: "bool",
      default: true,
      description: "Require HTTPS and verify certificates when contacting registries",
    },
    {
      name: "authfile",
      type: "string",
      description: "Path of the authentication file (default: docker's config.json; env REGISTRY_AUTH_FILE)",
    },
  ],
  args: { exact: 1 },
};

interface Filters {
  stars: number;
  official?: boolean;
  automated?: boolean;
}

function parseFilters(raw: string[]): Filters {
  const f: Filters = { stars: 0 };
  for (const item of raw) {
    const eq = item.indexOf("=");
    const key = eq < 0 ? item : item.slice(0, eq);
    const value = eq < 0 ? "" : item.slice(eq + 1);
    const bool = (): boolean => {
      if (/^(1|t|true)$/i.test(value)) return true;
      if (/^(0|f|false)$/i.test(value)) return false;
      throw new HoistError("INVALID_ARGUMENT", `invalid filter '${key}=${value}'`);
    };
    if (key === "stars") {
      if (!/^\d+$/.test(value)) throw new HoistError("INVALID_ARGUMENT", `invalid filter 'stars=${value}'`);
      f.stars = Number(value);
    } else if (key === "is-official") f.official = bool();
    else if (key === "is-automated") f.automated = bool();
    else throw new HoistError("INVALID_ARGUMENT", `invalid filter '${key}'`);
  }
  return f;
}

/** docker's formatter.Ellipsis: at most `width` characters, the last one an ellipsis when cut. */
function ellipsis(s: string, width: number): string {
  const chars = [...s];
  return chars.length <= width ? s : `${chars.slice(0, width - 1).join("")}…`;
}

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const term = args[0] as string;
  const limit = flags.int("limit") ?? 25;
  if (limit < 1 || limit > 100) throw new UsageError(`limit ${limit} is outside the range of [1, 100]`, "search");
  const filters = parseFilters(flags.strings("filter"));
  const authfile = flags.string("authfile");
  const opts = {
    env: ctx.env,
    signal: ctx.signal,
    ...(authfile ? { authfile } : {}),
    ...(flags.bool("tls-verify") ? {} : { tlsVerify: false }),
  };
  if (flags.bool("list-tags")) {
    const ref = parseNormalizedNamed(term);
    if (ref.tag !== undefined || ref.digest !== undefined)
      throw new HoistError("INVALID_ARGUMENT", `reference "${term}" must not have a tag or digest for --list-tags`);
    const tags = await listTags(registryClient(ref.domain, opts), ref.path, { signal: ctx.signal });
    const shown = ref.domain === "docker.io" ? familiarName(ref) : name(ref);
    const rows = tags.slice(0, limit).map((Tag) => ({ Name: shown, Tag }));
    printRows(ctx, flags.string("format") || "table {{.Name}}\t{{.Tag}}", rows, { Name: "NAME", Tag: "TAG" });
    return;
  }
  const where = splitSearchTerm(term);
  const results = await search(where.registry, where.term, { ...opts, limit });
  const trunc = !flags.bool("no-trunc");
  const rows = results
    .filter((r) => keep(r, filters))
    .slice(0, limit)
    .map((r) => {
      const desc = r.description.replace(/[\r\n]/g, " ");
      return {
        Name: r.name,
        Description: trunc ? ellipsis(desc, 45) : desc,
        StarCount: String(r.star_count),
        IsOfficial: r.is_official ? "[OK]" : "",
        IsAutomated: r.is_automated ? "[OK]" : "",
      };
    });
  printRows(ctx, flags.string("format") || "table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}", rows, {
    Name: "NAME",
    Description: "DESCRIPTION",
    StarCount: "STARS",
    IsOfficial: "OFFICIAL",
    IsAutomated: "AUTOMATED",
  });
};

function keep(r: SearchResult, f: Filters): boolean {
  if (r.star_count < f.stars) return false;
  if (f.official !== undefined && r.is_official !== f.official) return false;
  if (f.automated !== undefined && r.is_automated !== f.automated) return false;
  return true;
}
