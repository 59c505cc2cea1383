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

const keywords = new Set(["block", "break", "continue", "define", "else", "end", "if", "range", "template", "with"]);
const alnum = /[\p{L}\p{Nd}_]/u;

function isSpace(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\n";
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

/** Go's %#U: `U+0041 'A'`. */
export function formatRune(cp: number): string {
  const u = "U+" + cp.toString(16).toUpperCase().padStart(4, "0");
  return cp >= 0x20 && cp !== 0x7f ? `${u} '${String.fromCodePoint(cp)}'` : u;
}

export function lex(src: string): Token[] {
  const tokens: Token[] = [];
  const newlines: number[] = [];
  for (let i = src.indexOf("\n"); i >= 0; i = src.indexOf("\n", i + 1)) newlines.push(i);
  const lineAt = (pos: number): number => {
    let n = 1;
    for (const nl of newlines) {
      if (nl >= pos) break;
      n++;
    }
    return n;
  };
  const emit = (type: TokenType, start: number, end: number): void => {
    tokens.push({ type, val: src.slice(start, end), pos: start, line: lineAt(start) });
  };
  const fail = (at: number, message: string): Token[] => {
    tokens.push({ type: "error", val: message, pos: at, line: lineAt(at) });
    return tokens;
  };
  const isAlnumAt = (i: number): boolean => i < src.length && alnum.test(String.fromCodePoint(src.codePointAt(i) ?? 0));
  const scanAlnum = (i: number): number => {
    while (isAlnumAt(i)) i += (src.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
    return i;
  };
  /** [at a right delimiter, with a trim marker] */
  const atRightDelim = (i: number): [boolean, boolean] => {
    if (isSpace(src[i]) && src[i + 1] === "-" && src.startsWith("}}", i + 2)) return [true, true];
    return [src.startsWith("}}", i), false];
  };
  const atTerminator = (i: number): boolean =>
    i >= src.length || isSpace(src[i]) || ".,|:()".includes(src[i] ?? "") || src.startsWith("}}", i);
  const skipSpace = (i: number): number => {
    while (isSpace(src[i])) i++;
    return i;
  };
  const badChar = (i: number): Token[] => fail(i, `bad character ${formatRune(src.codePointAt(i) ?? 0)}`);

  const scanNumber = (start: number): { end: number; ok: boolean } => {
    let i = start;
    const acceptRun = (set: string): void => {
      while (i < src.length && set.includes(src[i] ?? "")) i++;
    };
    if (src[i] === "+" || src[i] === "-") i++;
    let digits = "0123456789_";
    if (src[i] === "0") {
      i++;
      const x = src[i]?.toLowerCase();
      if (x === "x") digits = "0123456789abcdefABCDEF_";
      else if (x === "o") digits = "01234567_";
      else if (x === "b") digits = "01_";
      if (digits.length !== 11) i++;
    }
    acceptRun(digits);
    if (src[i] === ".") {
      i++;
      acceptRun(digits);
    }
    const exp = digits.length === 11 ? "eE" : digits.length === 23 ? "pP" : "";
    if (exp !== "" && exp.includes(src[i] ?? "x")) {
      i++;
      if (src[i] === "+" || src[i] === "-") i++;
      acceptRun("0123456789_");
    }
    if (src[i] === "i") i++;
    if (isAlnumAt(i)) return { end: i + 1, ok: false };
    return { end: i, ok: true };
  };

  let pos = 0;
  for (;;) {
    // Text, up to the next action.
    const open = src.indexOf("{{", pos);
    if (open < 0) {
      if (pos < src.length) emit("text", pos, src.length);
      break;
    }
    const trimLeft = src[open + 2] === "-" && isSpace(src[open + 3]);
    let textEnd = open;
    if (trimLeft) while (textEnd > pos && isSpace(src[textEnd - 1])) textEnd--;
    if (textEnd > pos) emit("text", pos, textEnd);
    const inner = open + (trimLeft ? 4 : 2);

    if (src.startsWith("/*", inner)) {
      const close = src.indexOf("*/", inner + 2);
      if (close < 0) return fail(inner, "unclosed comment");
      const [delim, trim] = atRightDelim(close + 2);
      if (!delim) return fail(close + 2, "comment ends before closing delimiter");
      pos = close + 2 + (trim ? 4 : 2);
      if (trim) pos = skipSpace(pos);
      continue;
    }

    emit("leftDelim", open, open + 2);
    pos = inner;
    let depth = 0;
    for (;;) {
      const [delim, trim] = atRightDelim(pos);
      if (delim) {
        if (depth > 0) return fail(pos, "unclosed left paren");
        const at = pos + (trim ? 2 : 0);
        emit("rightDelim", at, at + 2);
        pos = at + 2;
        if (trim) pos = skipSpace(pos);
        break;
      }
      if (pos >= src.length) return fail(pos, "unclosed action");
      const c = src[pos] ?? "";
      const start = pos;
      if (isSpace(c)) {
        pos = skipSpace(pos);
        // A space directly before "-}}" belongs to the trim marker.
        if (src[pos] === "-" && src.startsWith("}}", pos + 1)) pos--;
        if (pos > start) emit("space", start, pos);
      } else if (c === "=") {
        emit("assign", start, ++pos);
      } else if (c === ":") {
        if (src[pos + 1] !== "=") return fail(pos, "expected :=");
        pos += 2;
        emit("declare", start, pos);
      } else if (c === "|") {
        emit("pipe", start, ++pos);
      } else if (c === '"' || c === "'") {
        const what = c === '"' ? "quoted string" : "character constant";
        for (pos++; ; pos++) {
          const d = src[pos];
          if (d === "\\" && src[pos + 1] !== undefined && src[pos + 1] !== "\n") pos++;
          else if (d === undefined || d === "\n" || d === "\\") return fail(start, `unterminated ${what}`);
          else if (d === c) break;
        }
        emit(c === '"' ? "string" : "charConstant", start, ++pos);
      } else if (c === "`") {
        const close = src.indexOf("`", pos + 1);
        if (close < 0) return fail(start, "unterminated raw quoted string");
        pos = close + 1;
        emit("rawString", start, pos);
      } else if (c === "$" || (c === "." && !isDigit(src[pos + 1]))) {
        pos++;
        if (atTerminator(pos)) {
          emit(c === "$" ? "variable" : "dot", start, pos);
          continue;
        }
        pos = scanAlnum(pos);
        if (!atTerminator(pos)) return badChar(pos);
        emit(c === "$" ? "variable" : "field", start, pos);
      } else if (c === "+" || c === "-" || c === "." || isDigit(c)) {
        const { end, ok } = scanNumber(pos);
        pos = end;
        if (!ok || src[pos] === "+" || src[pos] === "-") {
          return fail(start, `bad number syntax: ${quote(src.slice(start, ok ? pos + 1 : pos))}`);
        }
        emit("number", start, pos);
      } else if (isAlnumAt(pos)) {
        pos = scanAlnum(pos);
        if (!atTerminator(pos)) return badChar(pos);
        const word = src.slice(start, pos);
        emit(
          keywords.has(word)
            ? "keyword"
            : word === "true" || word === "false"
              ? "bool"
              : word === "nil"
                ? "nil"
                : "identifier",
          start,
          pos,
        );
      } else if (c === "(") {
        depth++;
        emit("leftParen", start, ++pos);
      } else if (c === ")") {
        if (--depth < 0) return fail(pos, "unexpected right paren");
        emit("rightParen", start, ++pos);
      } else if (c >= " " && c <= "~") {
        emit("char", start, ++pos);
      } else {
        return fail(pos, `unrecognized character in action: ${formatRune(src.codePointAt(pos) ?? 0)}`);
      }
    }
  }
  tokens.push({ type: "eof", val: "", pos: src.length, line: lineAt(src.length) });
  return tokens;
}
