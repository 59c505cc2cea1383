// Shell patterns of `${v#p}`, `${v%p}` and `${v/p/r}` (`*`, `?`, `\` escapes; no bracket expressions),
// run with Go regexp semantics: `.` excludes only "\n", and replace-all skips an empty match right after a match.
import { isDigit, isLetter } from "./go-text.ts";

const regexSpecial = new Set(["[", "]", "{", "}", ".", "+", "(", ")", "|", "^", "$"]);
const anyChar = "[^\\n]";

/** Compile a shell pattern; throws a plain Error with BuildKit's reason on a bad escape. */
export function shellPatternToRegExp(pattern: string, greedy: boolean, anchored: boolean, global = false): RegExp {
  const chars = Array.from(pattern);
  let out = anchored ? "^" : "";
  for (let i = 0; i < chars.length; i++) {
    let tok = chars[i] ?? "";
    if (tok === "*") {
      out += greedy ? `${anyChar}*` : `${anyChar}*?`;
      continue;
    }
    if (tok === "?") {
      out += anyChar;
      continue;
    }
    if (tok === "\\") {
      const next = chars[i + 1];
      // `}` and `/` are escaped only to get them through ${...}; the escape is not part of the pattern
      if (next === "}" || next === "/") continue;
      i++;
      if (next !== "*" && next !== "?" && next !== "\\") {
        throw new Error(`invalid escape '\\${next ?? ""}'`);
      }
      out += "\\";
      tok = next;
    } else if (regexSpecial.has(tok)) {
      out += "\\";
    }
    out += tok;
  }
  return new RegExp(out, global ? "gu" : "u");
}

/** Reverse a pattern keeping each `\x` escape in front of the character it escapes. */
function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out: string[] = [];
  for (let i = 0; i < chars.length;) {
    const tok = chars[i] ?? "";
    if (tok === "\\" && i !== chars.length - 1) {
      out.unshift(tok + (chars[i + 1] ?? ""));
      i += 2;
    } else {
      out.unshift(tok);
      i++;
    }
  }
  return out.join("");
}

function reverseString(s: string): string {
  return Array.from(s).reverse().join("");
}

/** `${v#p}` / `${v##p}`: remove the shortest (longest when greedy) prefix matching the pattern. */
export function trimPrefixPattern(pattern: string, value: string, greedy: boolean): string {
  const m = shellPatternToRegExp(pattern, greedy, true).exec(value);
  return m === null ? value : value.slice(m.index + m[0].length);
}

/** `${v%p}` / `${v%%p}`: a suffix search is a prefix search over the reversed value and pattern. */
export function trimSuffixPattern(pattern: string, value: string, greedy: boolean): string {
  return reverseString(trimPrefixPattern(reversePattern(pattern), reverseString(value), greedy));
}

/** `${v/p/r}`: replace the first match; the replacement is literal. */
export function replaceFirst(re: RegExp, value: string, replacement: string): string {
  const m = re.exec(value);
  return m === null ? value : value.slice(0, m.index) + replacement + value.slice(m.index + m[0].length);
}

/** `${v//p/r}`: Go's Regexp.ReplaceAllString, including `$0`/`${0}`/`$$` in the replacement. */
export function replaceAllGo(re: RegExp, value: string, template: string): string {
  const g = re.global ? re : new RegExp(re.source, re.flags + "g");
  let out = "";
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= value.length) {
    g.lastIndex = searchPos;
    const m = g.exec(value);
    if (m === null) break;
    const start = m.index;
    const end = start + m[0].length;
    out += value.slice(lastMatchEnd, start);
    // no replacement for an empty match immediately after another match
    if (end > lastMatchEnd || start === 0) out += expandTemplate(template, m[0]);
    lastMatchEnd = end;
    const width = (value.codePointAt(searchPos) ?? 0) > 0xffff ? 2 : 1;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + value.slice(lastMatchEnd);
}

/** Go's Regexp.Expand for a pattern with no groups: only group 0 (the match) exists. */
function expandTemplate(template: string, match: string): string {
  let out = "";
  let rest = template;
  for (let i = rest.indexOf("$"); i >= 0; i = rest.indexOf("$")) {
    out += rest.slice(0, i);
    rest = rest.slice(i);
    if (rest[1] === "$") {
      out += "$";
      rest = rest.slice(2);
      continue;
    }
    const ref = extractReference(rest);
    if (ref === undefined) {
      out += "$";
      rest = rest.slice(1);
      continue;
    }
    rest = rest.slice(ref.length);
    if (ref.name === "0") out += match;
  }
  return out + rest;
}

function extractReference(s: string): { name: string; length: number } | undefined {
  const brace = s[1] === "{";
  const chars = Array.from(s.slice(brace ? 2 : 1));
  let name = "";
  for (const ch of chars) {
    if (!(ch === "_" || isLetter(ch) || isDigit(ch))) break;
    name += ch;
  }
  if (name === "") return undefined;
  let length = 1 + name.length;
  if (brace) {
    if (s[2 + name.length] !== "}") return undefined;
    length += 2;
  }
  return { name, length };
}
