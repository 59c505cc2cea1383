// Go's strconv quoting: Quote/QuoteRune (for %q and error messages) and Unquote (for template literals).

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(cp: number): boolean {
  if (cp < 0x7f) return cp >= 0x20;
  if (cp === 0x7f || (cp >= 0xd800 && cp <= 0xdfff)) return false;
  return printable.test(String.fromCodePoint(cp));
}

const shortEscapes: Record<number, string> = {
  7: "\\a",
  8: "\\b",
  12: "\\f",
  10: "\\n",
  13: "\\r",
  9: "\\t",
  11: "\\v",
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

function escapeRune(cp: number, quote: string, asciiOnly: boolean): string {
  const ch = String.fromCodePoint(cp);
  if (ch === quote || ch === "\\") return "\\" + ch;
  if (asciiOnly ? cp < 0x7f && isPrint(cp) : isPrint(cp)) return ch;
  const short = shortEscapes[cp];
  if (short !== undefined) return short;
  if (cp < 0x20 || cp === 0x7f) return "\\x" + hex(cp, 2);
  if (cp >= 0xd800 && cp <= 0xdfff) return asciiOnly ? "\\ufffd" : "\ufffd"; // a lone surrogate is invalid UTF-8 to Go
  return cp < 0x10000 ? "\\u" + hex(cp, 4) : "\\U" + hex(cp, 8);
}

/** strconv.Quote (or QuoteToASCII with asciiOnly). */
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch.codePointAt(0) ?? 0, '"', asciiOnly);
  return out + '"';
}

/** strconv.QuoteRune. */
export function quoteRune(cp: number, asciiOnly = false): string {
  const valid = cp >= 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
  return "'" + escapeRune(valid ? cp : 0xfffd, "'", asciiOnly) + "'";
}

/** strconv.CanBackquote: a single-line string without control characters or backquotes. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === "`" || cp === 0xfeff || cp === 0x7f || (cp < 0x20 && cp !== 9)) return false;
  }
  return true;
}

class InvalidSyntax extends Error {
  constructor() {
    super("invalid syntax");
  }
}

const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92, "'": 39, '"': 34 };

/** Decode one possibly-escaped character at s[i]; returns the value, whether it is a raw byte (\x, \ooo) and the next index. */
function unquoteOne(s: string, i: number, quote: string): { value: number; byte: boolean; next: number } {
  const c = s[i];
  if (c === undefined) throw new InvalidSyntax();
  if (c !== "\\") {
    const cp = s.codePointAt(i) ?? 0;
    if (c === quote) throw new InvalidSyntax();
    return { value: cp, byte: false, next: i + (cp > 0xffff ? 2 : 1) };
  }
  const e = s[i + 1];
  if (e === undefined) throw new InvalidSyntax();
  const esc = simple[e];
  if (esc !== undefined) {
    if ((e === "'" || e === '"') && e !== quote) throw new InvalidSyntax();
    return { value: esc, byte: false, next: i + 2 };
  }
  const fixed = (n: number, radix: number, re: RegExp): number => {
    const digits = s.slice(i + 2, i + 2 + n);
    if (digits.length !== n || !re.test(digits)) throw new InvalidSyntax();
    return parseInt(digits, radix);
  };
  switch (e) {
    case "x":
      return { value: fixed(2, 16, /^[0-9a-fA-F]+$/), byte: true, next: i + 4 };
    case "u":
    case "U": {
      const n = e === "u" ? 4 : 8;
      const v = fixed(n, 16, /^[0-9a-fA-F]+$/);
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new InvalidSyntax();
      return { value: v, byte: false, next: i + 2 + n };
    }
    default: {
      if (e < "0" || e > "7") throw new InvalidSyntax();
      const digits = s.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(digits)) throw new InvalidSyntax();
      const v = parseInt(digits, 8);
      if (v > 255) throw new InvalidSyntax();
      return { value: v, byte: true, next: i + 4 };
    }
  }
}

const decoder = new TextDecoder();

/** strconv.Unquote for "…" and `…` literals. Throws an Error("invalid syntax"). */
export function unquote(lit: string): string {
  const q = lit[0];
  if (lit.length < 2 || lit[lit.length - 1] !== q) throw new InvalidSyntax();
  const body = lit.slice(1, -1);
  if (q === "`") {
    if (body.includes("`")) throw new InvalidSyntax();
    return body.replaceAll("\r", "");
  }
  if (q !== '"') throw new InvalidSyntax();
  if (!body.includes("\\")) {
    if (body.includes('"') || body.includes("\n")) throw new InvalidSyntax();
    return body;
  }
  let out = "";
  let bytes: number[] = [];
  for (let i = 0; i < body.length;) {
    const r = unquoteOne(body, i, '"');
    if (r.byte) bytes.push(r.value);
    else {
      if (bytes.length > 0) out += decoder.decode(new Uint8Array(bytes));
      bytes = [];
      if (r.value === 10 && body[i] === "\n") throw new InvalidSyntax();
      out += String.fromCodePoint(r.value);
    }
    i = r.next;
  }
  if (bytes.length > 0) out += decoder.decode(new Uint8Array(bytes));
  return out;
}

/** A Go character constant such as 'a', '\n', '\x41' or '\u00e9': its code point. */
export function unquoteChar(lit: string): number {
  if (lit[0] !== "'") throw new InvalidSyntax();
  const r = unquoteOne(lit, 1, "'");
  if (lit.slice(r.next) !== "'") throw new Error(`malformed character constant: ${lit}`);
  return r.value;
}
