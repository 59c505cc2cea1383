// Go's text/tabwriter as a pure function over the whole text (what Write…Flush produces).
// A cell is text terminated by a tab; the last cell of a line is not part of any column. Adjacent lines with a
// cell in column k form a column block, whose width is that of its widest cell plus padding (at least minWidth).
// Go counts a cell's width in runes; docker's fork of the package measures terminal columns (go-runewidth),
// so CJK and emoji count 2 and combining marks 0.
import { displayWidth } from "./display-width.ts";

export interface TabwriterOptions {
  readonly minWidth: number;
  readonly tabWidth: number;
  readonly padding: number;
  /** " " pads with spaces; "\t" pads with tabs assuming tabWidth-wide tab stops (text is then left-aligned). */
  readonly padChar: string;
  readonly alignRight?: boolean;
  /** Print "|" between columns (tabwriter.Debug). */
  readonly debug?: boolean;
  readonly discardEmptyColumns?: boolean;
  /** How a cell's width is measured: "runes" (Go's text/tabwriter, the default) or "display" (docker's fork). */
  readonly measure?: "runes" | "display";
}

/** docker's formatter: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0), with its display-width measure. */
export const dockerTabwriter: TabwriterOptions = {
  minWidth: 10,
  tabWidth: 1,
  padding: 3,
  padChar: " ",
  measure: "display",
};

interface Cell {
  readonly text: string;
  readonly width: number;
  /** Terminated by a horizontal tab (not a \v soft tab). */
  readonly htab: boolean;
}

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function cells(line: string, partial: boolean, measure: (s: string) => number): Cell[] {
  const out: Cell[] = [];
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "\t" || c === "\v") {
      const text = line.slice(start, i);
      out.push({ text, width: measure(text), htab: c === "\t" });
      start = i + 1;
    }
  }
  const rest = line.slice(start);
  // A finished line always ends with a (possibly empty) cell; the unfinished last line only if it has text.
  if (!partial || rest !== "") out.push({ text: rest, width: measure(rest), htab: false });
  return out;
}

function format(block: Cell[][], o: TabwriterOptions): string {
  const widths: number[] = [];
  const out: string[] = [];
  const tabs = o.padChar === "\t";

  const padding = (textWidth: number, cellWidth: number): string => {
    if (!tabs) return o.padChar.repeat(Math.max(cellWidth - textWidth, 0));
    if (o.tabWidth === 0) return "";
    const rounded = Math.ceil(cellWidth / o.tabWidth) * o.tabWidth;
    return "\t".repeat(Math.ceil((rounded - textWidth) / o.tabWidth));
  };

  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const line = block[i] ?? [];
      let s = "";
      line.forEach((c, j) => {
        if (j > 0 && o.debug === true) s += "|";
        const w = widths[j];
        if (c.text === "") {
          if (w !== undefined) s += padding(0, w);
        } else if (w === undefined) s += c.text;
        else if (o.alignRight === true && !tabs) s += padding(c.width, w) + c.text;
        else s += c.text + padding(c.width, w);
      });
      out.push(s);
    }
  };

  const formatColumns = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let i = line0; i < line1; i++) {
      if (column >= (block[i]?.length ?? 0) - 1) continue;
      // A cell exists in this column: print the lines before the block, then size the block.
      writeLines(line0, i);
      line0 = i;
      let width = o.minWidth;
      let discardable = true;
      for (; i < line1; i++) {
        const line = block[i] ?? [];
        if (column >= line.length - 1) break;
        const c = line[column] as Cell;
        width = Math.max(width, c.width + o.padding);
        if (c.width > 0 || c.htab) discardable = false;
      }
      if (discardable && o.discardEmptyColumns === true) width = 0;
      widths.push(width);
      formatColumns(line0, i);
      widths.pop();
      line0 = i;
    }
    writeLines(line0, line1);
  };

  formatColumns(0, block.length);
  return out.join("\n");
}

/** Align tab-separated cells into columns, like writing `text` to a tabwriter and flushing it. */
export function tabwrite(text: string, options: TabwriterOptions = dockerTabwriter): string {
  // A form feed ends a line and also every column block (Go flushes there).
  const measure = options.measure === "display" ? displayWidth : runeCount;
  return text
    .split("\f")
    .map((segment, n, all) => {
      const lines = segment.split("\n");
      const last = n === all.length - 1;
      return format(
        lines.map((l, i) => cells(l, last && i === lines.length - 1, measure)),
        options,
      );
    })
    .join("\n");
}
