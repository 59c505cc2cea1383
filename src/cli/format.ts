// Output through docker's --format conventions: Go templates, the `table` prefix, aligned columns.
import { formatList, marshalJSON, render } from "../template/index.ts";
import type { Context } from "./command.ts";

/** Print rows with a `table …` or plain template; `header` names each field's column title. `{{json .}}` of a
 * row gives its fields with sorted keys, as docker's list formatters marshal a map of them. */
export function printRows(ctx: Context, format: string, rows: readonly object[], header: Record<string, string>): void {
  const asMaps = rows.map((r) =>
    Object.defineProperty({ ...r }, "toJSON", { value: () => new Map(Object.entries(r)), enumerable: false }),
  );
  ctx.io.out(formatList(format, asMaps, { header }));
}

/** Render a template once per item, one line each (inspect -f). */
export function renderEach(format: string, items: readonly unknown[]): string {
  return formatList(format, items);
}

export function renderOne(format: string, item: unknown): string {
  return render(format, item);
}

/** JSON as Go's json.MarshalIndent writes it (HTML-escaped), e.g. docker inspect's 4-space indent. */
export function goJson(value: unknown, indent = ""): string {
  if (!indent) return marshalJSON(value, { escapeHTML: true });
  const html: Record<string, string> = { "<": "\\u003c", ">": "\\u003e", "&": "\\u0026" };
  return JSON.stringify(value, null, indent).replace(/[<>&]/g, (c) => html[c] ?? c);
}
