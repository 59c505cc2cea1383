// Go's fmt for plain JS values: how one value prints under a verb and flags (the %v templates print with),
// Sprint and Sprintln. Sprintf's format parsing is in sprintf.ts.
import { formatFloat, formatNumber } from "./float-format.ts";
import type { FloatFormat } from "./float-format.ts";
import { canBackquote, isPrint, quote, quoteRune } from "./quote.ts";
import { goTypeName, kindOf, listItems, mapEntries, structFields } from "./values.ts";

export interface Spec {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  prec: number;
}

export const plain = (): Spec => ({
  plus: false,
  minus: false,
  sharp: false,
  space: false,
  zero: false,
  plusV: false,
  sharpV: false,
  wid: -1,
  prec: -1,
});

const encoder = new TextEncoder();

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(c >= 0xdc00 && c < 0xe000 && i > 0 && (s.charCodeAt(i - 1) & 0xfc00) === 0xd800)) n++;
  }
  return n;
}

function pad(s: string, f: Spec, zeroOk = true): string {
  const n = f.wid - runeCount(s);
  if (n <= 0) return s;
  if (f.minus) return s + " ".repeat(n);
  return (f.zero && zeroOk ? "0" : " ").repeat(n) + s;
}

function badVerb(verb: string, v: unknown, f: Spec): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${printValue(v, "v", f, 0)})`;
}

function fmtInteger(v: bigint, verb: string, f: Spec): string {
  const base = verb === "b" ? 2 : verb === "o" || verb === "O" ? 8 : verb === "x" || verb === "X" ? 16 : 10;
  const negative = v < 0n;
  const abs = negative ? -v : v;
  let digits = abs.toString(base);
  if (verb === "X") digits = digits.toUpperCase();
  let prec = -1;
  if (f.prec >= 0) {
    prec = f.prec;
    if (prec === 0 && abs === 0n) return pad("", f, false);
  } else if (f.zero && !f.minus && f.wid >= 0) {
    prec = f.wid - (negative || f.plus || f.space ? 1 : 0);
  }
  if (prec > digits.length) digits = "0".repeat(prec - digits.length) + digits;
  if (f.sharp) {
    if (base === 2) digits = "0b" + digits;
    else if (base === 8 && digits[0] !== "0") digits = "0" + digits;
    else if (base === 16) digits = (verb === "X" ? "0X" : "0x") + digits;
  }
  if (verb === "O") digits = "0o" + digits;
  const sign = negative ? "-" : f.plus ? "+" : f.space ? " " : "";
  return pad(sign + digits, f, false);
}

function fmtIntVerb(v: number | bigint, verb: string, f: Spec): string {
  const big = typeof v === "bigint" ? v : BigInt(v);
  switch (verb) {
    case "v":
    case "d":
    case "b":
    case "o":
    case "O":
    case "x":
    case "X":
      return fmtInteger(big, verb === "v" ? "d" : verb, f);
    case "c":
    case "q":
    case "U": {
      const cp = big >= 0n && big <= 0x10ffffn ? Number(big) : 0xfffd;
      if (verb === "c") return pad(String.fromCodePoint(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp), f);
      if (verb === "q") return pad(quoteRune(cp, f.plus), f);
      let u = "U+" + big.toString(16).toUpperCase().padStart(Math.max(f.prec, 4), "0");
      if (f.sharp && isPrint(cp)) u += ` '${String.fromCodePoint(cp)}'`;
      return pad(u, f, false);
    }
    case "e":
    case "E":
    case "f":
    case "F":
    case "g":
    case "G":
      return fmtFloatVerb(Number(v), verb, f);
    default:
      return badVerb(verb, v, f);
  }
}

function fmtFloatVerb(v: number, verb: string, f: Spec): string {
  if (!"veEfFgG".includes(verb)) return badVerb(verb, v, f);
  const format = (verb === "v" ? "g" : verb) as FloatFormat;
  const prec = f.prec >= 0 ? f.prec : "vgG".includes(verb) ? -1 : 6;
  let num = formatFloat(v, format, prec);
  if (num === "NaN" || num.endsWith("Inf")) {
    if (num === "NaN" && (f.plus || f.space)) num = (f.plus ? "+" : " ") + num;
    return pad(num, f, false);
  }
  if (num[0] !== "-") num = (f.plus ? "+" : f.space ? " " : "") + num;
  const signed = num[0] === "-" || num[0] === "+" || num[0] === " ";
  if (signed && f.zero && !f.minus && f.wid > num.length) {
    return num[0] + "0".repeat(f.wid - num.length) + num.slice(1);
  }
  return pad(num, f);
}

function fmtStringVerb(s: string, verb: string, f: Spec): string {
  if (f.prec >= 0 && "vsq".includes(verb)) s = Array.from(s).slice(0, f.prec).join("");
  switch (verb) {
    case "v":
      return pad(f.sharpV ? quote(s) : s, f);
    case "s":
      return pad(s, f);
    case "q":
      return pad(f.sharp && canBackquote(s) ? "`" + s + "`" : quote(s, f.plus), f);
    case "x":
    case "X": {
      let bytes = [...encoder.encode(s)];
      if (f.prec >= 0) bytes = bytes.slice(0, f.prec);
      const hex = bytes.map((b) => b.toString(16).padStart(2, "0"));
      const prefix = f.sharp ? "0x" : "";
      let out = f.space ? hex.map((h) => prefix + h).join(" ") : prefix + hex.join("");
      if (verb === "X") out = out.toUpperCase();
      return pad(out, f);
    }
    default:
      return badVerb(verb, s, f);
  }
}

function printValue(v: unknown, verb: string, f: Spec, depth: number): string {
  if (v instanceof Error && "vsqxX".includes(verb)) v = v.message;
  if (v instanceof Date && "vsq".includes(verb)) v = v.toISOString();
  switch (kindOf(v)) {
    case "invalid":
    case "nil":
      return depth > 0 || verb === "v" ? pad("<nil>", f) : badVerb(verb, v, f);
    case "bool":
      return verb === "v" || verb === "t" ? pad(String(v), f) : badVerb(verb, v, f);
    case "int":
      return fmtIntVerb(v as number | bigint, verb, f);
    case "float":
      return fmtFloatVerb(v as number, verb, f);
    case "string":
      return fmtStringVerb(String(v), verb, f);
    case "slice":
      return (
        "[" +
        listItems(v as unknown[])
          .map((e) => printValue(e, verb, f, depth + 1))
          .join(" ") +
        "]"
      );
    case "map": {
      const entries = mapEntries(v as object);
      const body = entries.map(([k, e]) => `${printValue(k, verb, f, depth + 1)}:${printValue(e, verb, f, depth + 1)}`);
      return "map[" + body.join(" ") + "]";
    }
    case "struct": {
      const fields = structFields(v as object);
      return "{" + fields.map(([k, e]) => (f.plusV ? k + ":" : "") + printValue(e, verb, f, depth + 1)).join(" ") + "}";
    }
    case "func":
      return verb === "v" ? pad("<func>", f) : badVerb(verb, "<func>", f);
  }
}

export function printArg(arg: unknown, verb: string, f: Spec): string {
  if (verb === "T") return pad(goTypeName(arg), f);
  return printValue(arg, verb, f, 0);
}

/** fmt.Sprint(v): how `{{.}}` prints a (non-missing) value. */
export function formatValue(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return formatNumber(v);
  return printArg(v, "v", plain());
}

/** fmt.Sprint: spaces between operands when neither is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = "";
  let prevString = false;
  args.forEach((a, n) => {
    const isString = typeof a === "string";
    if (n > 0 && !isString && !prevString) out += " ";
    out += formatValue(a);
    prevString = isString;
  });
  return out;
}

/** fmt.Sprintln: spaces between all operands and a final newline. */
export function sprintln(args: readonly unknown[]): string {
  return args.map(formatValue).join(" ") + "\n";
}
