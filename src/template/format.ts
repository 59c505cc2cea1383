// docker's --format conventions on top of templates: the `table` prefix, `json`, literal \t and \n,
// one rendered line per item, and tables with a header row aligned by the tabwriter.
import { execute } from "./exec.ts";
import type { ExecOptions } from "./exec.ts";
import { headerFuncs } from "./funcs.ts";
import { dockerTabwriter, tabwrite } from "./tabwriter.ts";
import type { TabwriterOptions } from "./tabwriter.ts";
import { cachedCompile } from "./template.ts";
import type { CompileOptions, Template } from "./template.ts";

export interface ParsedFormat {
  /** The format started with "table": render a header row and align columns. */
  readonly table: boolean;
  /** The template to execute per item; "" for a bare "table" (use the command's default columns). */
  readonly template: string;
}

/** docker's Format.IsTable / preFormat: strip "table", map "json" to {{json .}}, trim spaces, expand \t and \n. */
export function parseFormat(format: string): ParsedFormat {
  const table = format.startsWith("table");
  const raw = table ? format.slice("table".length) : format === "json" ? "{{json .}}" : format;
  const template = raw.replace(/^ +| +$/g, "").replace(/\\[tn]/g, (m) => (m === "\\t" ? "\t" : "\n"));
  return { table, template };
}

/** Render a template once per item. */
export function renderLines(
  template: string | Template,
  items: Iterable<unknown>,
  options: ExecOptions & CompileOptions = {},
): string[] {
  const t = typeof template === "string" ? cachedCompile(template, options) : template;
  return Array.from(items, (item) => t.execute(item, options));
}

export interface FormatListOptions extends ExecOptions, CompileOptions {
  /** Column titles by field name, e.g. { ID: "IMAGE ID", Repository: "REPOSITORY" }. The header row is the
   * template executed over this map with docker's header functions (json, join, upper… return their argument). */
  readonly header?: Readonly<Record<string, string>>;
  /** The template for a bare `table` format. */
  readonly defaultTable?: string;
  readonly tabwriter?: TabwriterOptions;
}

/** The header row as docker renders it: execution errors are ignored and whatever was printed is kept. */
export function renderHeader(
  t: Template,
  header: Readonly<Record<string, string>>,
  funcs?: CompileOptions["funcs"],
): string {
  const sink = { out: "" };
  try {
    execute({ name: t.name, source: t.source, tree: t.tree, funcs }, header, { funcs: headerFuncs }, sink);
  } catch {
    // docker ignores header errors too
  }
  return sink.out;
}

/**
 * Output of `--format` over a list, as docker's formatter writes it: each item's rendering followed by a newline;
 * for `table …` a header row first and the whole aligned by tabwriter(10, 1, 3, ' ').
 */
export function formatList(format: string, items: Iterable<unknown>, options: FormatListOptions = {}): string {
  const parsed = parseFormat(format);
  const source = parsed.table && parsed.template === "" ? (options.defaultTable ?? "") : parsed.template;
  const t = cachedCompile(source, options);
  let rows = "";
  for (const item of items) rows += t.execute(item, options) + "\n";
  if (!parsed.table) return rows;
  const header = renderHeader(t, options.header ?? {}, options.funcs);
  return tabwrite(header + "\n" + rows, options.tabwriter ?? dockerTabwriter);
}
