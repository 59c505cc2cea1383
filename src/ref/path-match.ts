// Shell-style pattern matching with Go's path.Match rules: `*` and `?` never match "/",
// `[...]` is a character class (`[^...]` negated, `a-z` ranges, `\` escapes).
import { HoistError } from "../errors.ts";

type Token =
  | { readonly kind: "star" }
  | { readonly kind: "any" }
  | { readonly kind: "char"; readonly ch: number }
  | { readonly kind: "class"; readonly negated: boolean; readonly ranges: readonly (readonly [number, number])[] };

function badPattern(): HoistError {
  return new HoistError("INVALID_ARGUMENT", "syntax error in pattern");
}

/** One possibly escaped character of a class; `-` and `]` must be escaped to be literal there. */
function classChar(cps: readonly number[], i: number): [number, number] {
  let c = cps[i];
  if (c === undefined || c === 0x2d /* - */ || c === 0x5d /* ] */) throw badPattern();
  if (c === 0x5c /* \ */) c = cps[++i];
  if (c === undefined || i + 1 >= cps.length) throw badPattern();
  return [c, i + 1];
}

function parseClass(cps: readonly number[], start: number): [Token, number] {
  let i = start;
  const negated = cps[i] === 0x5e; /* ^ */
  if (negated) i++;
  const ranges: [number, number][] = [];
  while (!(cps[i] === 0x5d && ranges.length > 0)) {
    const [lo, afterLo] = classChar(cps, i);
    let hi = lo;
    i = afterLo;
    if (cps[i] === 0x2d) [hi, i] = classChar(cps, i + 1);
    ranges.push([lo, hi]);
  }
  return [{ kind: "class", negated, ranges }, i + 1];
}

/** Tokenize the whole pattern first, so a malformed pattern is an error even when matching fails early. */
function tokenize(pattern: string): Token[] {
  const cps = Array.from(pattern, (c) => c.codePointAt(0) ?? 0);
  const tokens: Token[] = [];
  for (let i = 0; i < cps.length;) {
    const c = cps[i] ?? 0;
    if (c === 0x2a /* * */) {
      if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
      i++;
    } else if (c === 0x3f /* ? */) {
      tokens.push({ kind: "any" });
      i++;
    } else if (c === 0x5b /* [ */) {
      const [token, next] = parseClass(cps, i + 1);
      tokens.push(token);
      i = next;
    } else if (c === 0x5c /* \ */) {
      const escaped = cps[i + 1];
      if (escaped === undefined) throw badPattern();
      tokens.push({ kind: "char", ch: escaped });
      i += 2;
    } else {
      tokens.push({ kind: "char", ch: c });
      i++;
    }
  }
  return tokens;
}

const SLASH = 0x2f;

function matchesOne(token: Token, c: number): boolean {
  switch (token.kind) {
    case "any":
      return c !== SLASH;
    case "char":
      return c === token.ch;
    case "class":
      return token.ranges.some(([lo, hi]) => lo <= c && c <= hi) !== token.negated;
    case "star":
      return false;
  }
}

/** Whether `name` matches the whole `pattern`. Throws INVALID_ARGUMENT "syntax error in pattern" if malformed. */
export function pathMatch(pattern: string, name: string): boolean {
  const tokens = tokenize(pattern);
  const cps = Array.from(name, (c) => c.codePointAt(0) ?? 0);
  // row[j]: tokens[0..t) match cps[0..j). Walk token by token, keeping one row.
  let row: boolean[] = cps.map(() => false);
  row.unshift(true);
  for (const token of tokens) {
    const next: boolean[] = new Array<boolean>(cps.length + 1).fill(false);
    if (token.kind === "star") {
      for (let j = 0; j <= cps.length; j++) {
        next[j] = row[j] === true || (j > 0 && next[j - 1] === true && cps[j - 1] !== SLASH);
      }
    } else {
      for (let j = 1; j <= cps.length; j++) next[j] = row[j - 1] === true && matchesOne(token, cps[j - 1] ?? 0);
    }
    row = next;
  }
  return row[cps.length] === true;
}
