// Lexer: template source → tokens, following Go's text/template/parse/lex.go.
// Trim markers (`{{- ` and ` -}}`) and comments are handled here; a lexing error becomes an
// "error" token that ends the stream, so the parser reports errors in source order.
import { quote } from "./quote.ts";

export type TokenType =
  | "text"
  | "leftDelim"
  | "rightDelim"
  | "space"
  | "identifier"
  | "keyword"
  | "field"
  | "variable"
  | "dot"
  | "pipe"
  | "leftParen"
  | "rightParen"
  | "string"
  | "rawString"
  | "charConstant"
  | "number"
  | "bool"
  | "nil"
  | "declare"
  | "assign"
  | "char"
  | "error"
  | "eof";

export interface Token {
  readonly type: TokenType;
  readonly val: string;
  readonly pos: number;
  readonly line: number;
}

interface Lexer {
  readonly src: string;
  readonly tokens: Token[];
  readonly newlines: readonly number[];
  pos: number;
  parenDepth: number;
}

const keywords = new Set(["block", "break", "continue", "define", "else", "end", "if", "range", "template", "with"]);
const alnum = /[\p{L}\p{Nd}_]/u;

/** Thrown after an error token is emitted, to stop lexing. */
const stop = Symbol("stop");

const isSpace = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\r" || c === "\n";
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

/** Go's %#U: `U+0041 'A'`. */
export function formatRune(cp: number): string {
  const u = "U+" + cp.toString(16).toUpperCase().padStart(4, "0");
  return cp >= 0x20 && cp !== 0x7f ? `${u} '${String.fromCodePoint(cp)}'` : u;
}

function lineAt(l: Lexer, pos: number): number {
  let n = 1;
  for (const nl of l.newlines) {
    if (nl >= pos) break;
    n++;
  }
  return n;
}

function emit(l: Lexer, type: TokenType, start: number, end = l.pos): void {
  l.tokens.push({ type, val: l.src.slice(start, end), pos: start, line: lineAt(l, start) });
}

function fail(l: Lexer, at: number, message: string): never {
  l.tokens.push({ type: "error", val: message, pos: at, line: lineAt(l, at) });
  throw stop;
}

function isAlnumAt(l: Lexer, i: number): boolean {
  return i < l.src.length && alnum.test(String.fromCodePoint(l.src.codePointAt(i) ?? 0));
}

function scanAlnum(l: Lexer, i: number): number {
  while (isAlnumAt(l, i)) i += (l.src.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  return i;
}

/** [at a right delimiter, with a trim marker] */
function atRightDelim(l: Lexer, i: number): [boolean, boolean] {
  if (isSpace(l.src[i]) && l.src[i + 1] === "-" && l.src.startsWith("}}", i + 2)) return [true, true];
  return [l.src.startsWith("}}", i), false];
}

function atTerminator(l: Lexer, i: number): boolean {
  const c = l.src[i];
  return c === undefined || isSpace(c) || ".,|:()".includes(c) || l.src.startsWith("}}", i);
}

function skipSpace(l: Lexer, i: number): number {
  while (isSpace(l.src[i])) i++;
  return i;
}

export function lex(src: string): Token[] {
  const newlines: number[] = [];
  for (let i = src.indexOf("\n"); i >= 0; i = src.indexOf("\n", i + 1)) newlines.push(i);
  const l: Lexer = { src, tokens: [], newlines, pos: 0, parenDepth: 0 };
  try {
    while (lexText(l)) lexInsideAction(l);
    l.tokens.push({ type: "eof", val: "", pos: src.length, line: lineAt(l, src.length) });
  } catch (e) {
    if (e !== stop) throw e;
  }
  return l.tokens;
}

/** Text up to the next action (comments skipped); false at the end of the input. */
function lexText(l: Lexer): boolean {
  for (;;) {
    const open = l.src.indexOf("{{", l.pos);
    if (open < 0) {
      if (l.pos < l.src.length) emit(l, "text", l.pos, l.src.length);
      return false;
    }
    const trimLeft = l.src[open + 2] === "-" && isSpace(l.src[open + 3]);
    let textEnd = open;
    if (trimLeft) while (textEnd > l.pos && isSpace(l.src[textEnd - 1])) textEnd--;
    if (textEnd > l.pos) emit(l, "text", l.pos, textEnd);
    const inner = open + (trimLeft ? 4 : 2);
    if (!l.src.startsWith("/*", inner)) {
      emit(l, "leftDelim", open, open + 2);
      l.pos = inner;
      l.parenDepth = 0;
      return true;
    }
    const close = l.src.indexOf("*/", inner + 2);
    if (close < 0) fail(l, inner, "unclosed comment");
    const [delim, trim] = atRightDelim(l, close + 2);
    if (!delim) fail(l, close + 2, "comment ends before closing delimiter");
    l.pos = close + 2 + (trim ? 4 : 2);
    if (trim) l.pos = skipSpace(l, l.pos);
  }
}

/** Tokens up to and including the closing delimiter. */
function lexInsideAction(l: Lexer): void {
  for (;;) {
    const [delim, trim] = atRightDelim(l, l.pos);
    if (delim) {
      if (l.parenDepth > 0) fail(l, l.pos, "unclosed left paren");
      const at = l.pos + (trim ? 2 : 0);
      l.pos = at + 2;
      emit(l, "rightDelim", at);
      if (trim) l.pos = skipSpace(l, l.pos);
      return;
    }
    if (l.pos >= l.src.length) fail(l, l.pos, "unclosed action");
    lexActionToken(l);
  }
}

const singles: Record<string, TokenType> = { "=": "assign", "|": "pipe", "(": "leftParen", ")": "rightParen" };

function lexActionToken(l: Lexer): void {
  const start = l.pos;
  const c = l.src[start] ?? "";
  const single = singles[c];
  if (isSpace(c)) {
    l.pos = skipSpace(l, start);
    // A space directly before "-}}" belongs to the trim marker.
    if (l.src[l.pos] === "-" && l.src.startsWith("}}", l.pos + 1)) l.pos--;
    if (l.pos > start) emit(l, "space", start);
  } else if (single !== undefined) {
    if (c === "(") l.parenDepth++;
    if (c === ")" && --l.parenDepth < 0) fail(l, start, "unexpected right paren");
    l.pos++;
    emit(l, single, start);
  } else if (c === ":") {
    if (l.src[start + 1] !== "=") fail(l, start, "expected :=");
    l.pos += 2;
    emit(l, "declare", start);
  } else if (c === '"' || c === "'" || c === "`") {
    lexQuote(l, c);
  } else if (c === "$" || (c === "." && !isDigit(l.src[start + 1]))) {
    lexFieldOrVariable(l, c);
  } else if (c === "+" || c === "-" || c === "." || isDigit(c)) {
    lexNumber(l);
  } else if (isAlnumAt(l, start)) {
    lexWord(l);
  } else if (c >= " " && c <= "~") {
    l.pos++;
    emit(l, "char", start);
  } else {
    fail(l, start, `unrecognized character in action: ${formatRune(l.src.codePointAt(start) ?? 0)}`);
  }
}

function lexQuote(l: Lexer, q: string): void {
  const start = l.pos;
  if (q === "`") {
    const close = l.src.indexOf("`", start + 1);
    if (close < 0) fail(l, start, "unterminated raw quoted string");
    l.pos = close + 1;
    emit(l, "rawString", start);
    return;
  }
  const what = q === '"' ? "quoted string" : "character constant";
  for (l.pos++; ; l.pos++) {
    const d = l.src[l.pos];
    const escaped = l.src[l.pos + 1];
    if (d === "\\" && escaped !== undefined && escaped !== "\n") l.pos++;
    else if (d === undefined || d === "\n" || d === "\\") fail(l, start, `unterminated ${what}`);
    else if (d === q) break;
  }
  l.pos++;
  emit(l, q === '"' ? "string" : "charConstant", start);
}

/** `.Field`, `$var`, or a lone `.` / `$`. */
function lexFieldOrVariable(l: Lexer, c: string): void {
  const start = l.pos++;
  if (!atTerminator(l, l.pos)) {
    l.pos = scanAlnum(l, l.pos);
    if (!atTerminator(l, l.pos)) fail(l, l.pos, `bad character ${formatRune(l.src.codePointAt(l.pos) ?? 0)}`);
  }
  const bare = l.pos === start + 1;
  emit(l, c === "$" ? "variable" : bare ? "dot" : "field", start);
}

function lexWord(l: Lexer): void {
  const start = l.pos;
  l.pos = scanAlnum(l, start);
  if (!atTerminator(l, l.pos)) fail(l, l.pos, `bad character ${formatRune(l.src.codePointAt(l.pos) ?? 0)}`);
  const word = l.src.slice(start, l.pos);
  const bool = word === "true" || word === "false";
  emit(l, keywords.has(word) ? "keyword" : bool ? "bool" : word === "nil" ? "nil" : "identifier", start);
}

/** Go's scanNumber: sign, base prefix, digits with underscores, fraction, exponent, imaginary suffix. */
function lexNumber(l: Lexer): void {
  const { src } = l;
  const start = l.pos;
  let i = start;
  const run = (set: string): void => {
    while (i < src.length && set.includes(src[i] ?? "")) i++;
  };
  if (src[i] === "+" || src[i] === "-") i++;
  let digits = "0123456789_";
  if (src[i] === "0") {
    i++;
    const base = src[i]?.toLowerCase();
    const prefixed = { x: "0123456789abcdefABCDEF_", o: "01234567_", b: "01_" }[base ?? ""];
    if (prefixed !== undefined) [digits, i] = [prefixed, i + 1];
  }
  run(digits);
  if (src[i] === ".") {
    i++;
    run(digits);
  }
  const exponent = digits.length === 11 ? "eE" : digits.length === 23 ? "pP" : "";
  if (exponent !== "" && exponent.includes(src[i] ?? "_")) {
    i++;
    if (src[i] === "+" || src[i] === "-") i++;
    run("0123456789_");
  }
  if (src[i] === "i") i++;
  if (isAlnumAt(l, i)) fail(l, start, `bad number syntax: ${quote(src.slice(start, i + 1))}`);
  if (src[i] === "+" || src[i] === "-") fail(l, start, `bad number syntax: ${quote(src.slice(start, i))}`);
  l.pos = i;
  emit(l, "number", start);
}
