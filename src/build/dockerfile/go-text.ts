// Go's notion of whitespace, letters, printability and string quoting, so that results match BuildKit exactly
// (JavaScript's `\s` and `.trim()` disagree with Go's unicode.IsSpace on U+0085 and U+FEFF).

/** unicode.IsSpace for one code point. */
export function isSpaceCode(cp: number): boolean {
  if (cp <= 0xff) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp === 0x85 || cp === 0xa0;
  return (
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

/** unicode.IsSpace for a one-character string (a code point). */
export function isSpace(ch: string): boolean {
  return isSpaceCode(ch.codePointAt(0) ?? -1);
}

const letter = /^\p{L}$/u;
const digit = /^\p{Nd}$/u;
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** unicode.IsLetter */
export function isLetter(ch: string): boolean {
  return letter.test(ch);
}

/** unicode.IsDigit (decimal digits of any script). */
export function isDigit(ch: string): boolean {
  return digit.test(ch);
}

/** strings.TrimLeftFunc(s, unicode.IsSpace) */
export function trimLeftSpace(s: string): string {
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i) ?? 0;
    if (!isSpaceCode(cp)) break;
    i += cp > 0xffff ? 2 : 1;
  }
  return s.slice(i);
}

/** strings.TrimRightFunc(s, unicode.IsSpace) (no whitespace is outside the BMP). */
export function trimRightSpace(s: string): string {
  let end = s.length;
  while (end > 0 && isSpaceCode(s.charCodeAt(end - 1))) end--;
  return s.slice(0, end);
}

/** strings.TrimSpace */
export function trimSpace(s: string): string {
  return trimRightSpace(trimLeftSpace(s));
}

const shortEscapes: Record<string, string> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
  '"': '\\"',
  "\\": "\\\\",
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** strconv.Quote: a Go double-quoted string literal. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const short = shortEscapes[ch];
    if (short !== undefined) {
      out += short;
      continue;
    }
    if (printable.test(ch)) {
      out += ch;
      continue;
    }
    let cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else {
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // a lone surrogate is not a valid rune
      out += cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
    }
  }
  return out + '"';
}
