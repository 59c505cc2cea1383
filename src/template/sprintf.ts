// fmt.Sprintf: flags + - # 0 space, width and precision (also `*`), explicit argument indexes (%[2]d).
// Mistakes print like Go's: %!d(string=x), %!d(MISSING), %!(EXTRA int=1), %!(NOVERB), %!d(BADINDEX).
import { formatValue, plain, printArg } from "./fmt.ts";
import type { Spec } from "./fmt.ts";
import { goTypeName } from "./values.ts";

interface Cursor {
  readonly format: string;
  readonly args: readonly unknown[];
  i: number;
  argNum: number;
  reordered: boolean;
  out: string;
}

function flags(c: Cursor, f: Spec): void {
  for (; c.i < c.format.length; c.i++) {
    const ch = c.format[c.i];
    if (ch === "#") f.sharp = true;
    else if (ch === "0") f.zero = !f.minus;
    else if (ch === "+") f.plus = true;
    else if (ch === "-") {
      f.minus = true;
      f.zero = false;
    } else if (ch === " ") f.space = true;
    else return;
  }
}

/** An explicit argument index `[n]` at the cursor: found, and whether it was valid. */
function argIndex(c: Cursor): { found: boolean; ok: boolean } {
  if (c.format[c.i] !== "[") return { found: false, ok: true };
  c.reordered = true;
  const close = c.format.indexOf("]", c.i);
  const text = close < 0 ? "" : c.format.slice(c.i + 1, close);
  const n = Number(text);
  c.i = close < 0 ? c.format.length : close + 1;
  if (!/^\d+$/.test(text) || n < 1 || n > c.args.length) return { found: true, ok: false };
  c.argNum = n - 1;
  return { found: true, ok: true };
}

function number(c: Cursor): number {
  const m = /^\d+/.exec(c.format.slice(c.i));
  if (m === null) return -1;
  c.i += m[0].length;
  return Number(m[0]);
}

/** A `*` width or precision: the next argument, which must be an integer. */
function starArg(c: Cursor, bad: string): number | undefined {
  c.i++;
  const v = c.args[c.argNum];
  c.argNum++;
  if (typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v))) return Number(v);
  c.out += bad;
  return undefined;
}

/** One directive, the cursor just past its '%'. Returns false at a verb-less end of the format. */
function directive(c: Cursor): boolean {
  const f = plain();
  flags(c, f);
  let idx = argIndex(c);
  let good = idx.ok;
  if (c.format[c.i] === "*") {
    const w = starArg(c, "%!(BADWIDTH)");
    if (w !== undefined) f.wid = Math.abs(w);
    if (w !== undefined && w < 0) [f.minus, f.zero] = [true, false];
    idx = { found: false, ok: true };
  } else {
    f.wid = number(c);
    if (idx.found && f.wid >= 0) good = false; // "%[1]2d" is bad
  }
  if (c.format[c.i] === ".") {
    c.i++;
    if (idx.found) good = false;
    idx = argIndex(c);
    good &&= idx.ok;
    if (c.format[c.i] === "*") {
      const p = starArg(c, "%!(BADPREC)");
      if (p !== undefined) f.prec = p < 0 ? -1 : p;
      idx = { found: false, ok: true };
    } else f.prec = Math.max(number(c), 0);
  }
  if (!idx.found) good = argIndex(c).ok && good;
  if (c.i >= c.format.length) {
    c.out += "%!(NOVERB)";
    return false;
  }
  const verb = String.fromCodePoint(c.format.codePointAt(c.i) ?? 0);
  c.i += verb.length;
  c.out += verbText(c, verb, f, good);
  return true;
}

function verbText(c: Cursor, verb: string, f: Spec, good: boolean): string {
  if (verb === "%") return "%";
  if (!good) return `%!${verb}(BADINDEX)`;
  if (c.argNum >= c.args.length) return `%!${verb}(MISSING)`;
  if (verb === "v") {
    [f.sharpV, f.plusV, f.sharp, f.plus] = [f.sharp, f.plus, false, false];
  }
  return printArg(c.args[c.argNum++], verb, f);
}

export function sprintf(format: string, args: readonly unknown[]): string {
  const c: Cursor = { format, args, i: 0, argNum: 0, reordered: false, out: "" };
  while (c.i < format.length) {
    const pct = format.indexOf("%", c.i);
    if (pct < 0) {
      c.out += format.slice(c.i);
      break;
    }
    c.out += format.slice(c.i, pct);
    c.i = pct + 1;
    if (!directive(c)) break;
  }
  if (!c.reordered && c.argNum < args.length) {
    const extra = args.slice(c.argNum).map((a) => (a == null ? "<nil>" : `${goTypeName(a)}=${formatValue(a)}`));
    c.out += `%!(EXTRA ${extra.join(", ")})`;
  }
  return c.out;
}
