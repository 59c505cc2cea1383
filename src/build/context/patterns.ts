// Docker's path patterns (moby/patternmatcher), as `.dockerignore` and `COPY --exclude` use them: Go's
// filepath.Match syntax (`*`, `?`, `[...]`, `\` escapes) plus `**` for any number of directories, `!` for
// exceptions, the last matching pattern deciding. A pattern that matches a directory matches what is in it.
import { HoistError } from "../../errors.ts";
import { pathMatch } from "../../ref/path-match.ts";

export interface Pattern {
  /** As cleaned: no leading `/`, no `!`. */
  readonly text: string;
  readonly exclusion: boolean;
  readonly regexp: RegExp;
}

/** path.Clean for slash paths. */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out.at(-1) !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  return rooted ? `/${joined}` : joined === "" ? "." : joined;
}

/** The lines of a `.dockerignore` file as patterns: comments and blank lines dropped, paths cleaned. */
export function readIgnoreFile(text: string): string[] {
  const out: string[] = [];
  for (let line of text.replace(/^\ufeff/, "").split(/\r?\n/)) {
    if (line.startsWith("#")) continue;
    line = line.trim();
    if (line === "") continue;
    const invert = line.startsWith("!");
    if (invert) line = line.slice(1).trim();
    if (line !== "") {
      line = cleanPath(line);
      if (line.length > 1 && line.startsWith("/")) line = line.slice(1);
    }
    out.push(invert ? `!${line}` : line);
  }
  return out;
}

const regexpSpecial = new Set([".", "$", "^", "+", "(", ")", "{", "}", "|"]);

/** Compile one pattern body to an anchored regular expression over slash paths. */
function compile(text: string, original: string): RegExp {
  let re = "^";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === "*") {
      if (text[i + 1] === "*") {
        i++;
        if (text[i + 1] === "/") i++;
        re += i + 1 >= text.length ? ".*" : "(.*/)?";
      } else re += "[^/]*";
    } else if (ch === "?") re += "[^/]";
    else if (ch === "\\") {
      const next = text[i + 1];
      if (next === undefined) throw badPattern(original);
      re += escapeChar(next);
      i++;
    } else if (ch === "[") {
      const end = classEnd(text, i);
      if (end < 0) throw badPattern(original);
      let body = text.slice(i + 1, end);
      if (body.startsWith("^") || body.startsWith("!")) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\(.)/g, (_m, c: string) => escapeChar(c))}]`;
      i = end;
    } else re += escapeChar(ch);
  }
  try {
    return new RegExp(`${re}$`, "s");
  } catch {
    throw badPattern(original);
  }
}

function classEnd(text: string, start: number): number {
  let i = start + 1;
  if (text[i] === "^" || text[i] === "!") i++;
  if (text[i] === "]") i++;
  for (; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === "]") return i;
  }
  return -1;
}

function escapeChar(c: string): string {
  return regexpSpecial.has(c) || c === "\\" || c === "[" || c === "]" || c === "*" || c === "?" || c === "/"
    ? `\\${c}`
    : c;
}

function badPattern(p: string): HoistError {
  return new HoistError("INVALID_ARGUMENT", `syntax error in pattern: ${p}`);
}

export function parsePattern(raw: string): Pattern {
  const exclusion = raw.startsWith("!");
  let text = exclusion ? raw.slice(1) : raw;
  if (exclusion && text === "") throw new HoistError("INVALID_ARGUMENT", 'illegal exclusion pattern: "!"');
  text = cleanPath(text);
  if (text.length > 1 && text.startsWith("/")) text = text.slice(1);
  return { text, exclusion, regexp: compile(text, raw) };
}

/** A list of patterns; `matches` says whether a path (relative, slash-separated) is excluded. */
export class PatternMatcher {
  readonly patterns: readonly Pattern[];
  readonly hasExclusions: boolean;

  constructor(patterns: readonly string[]) {
    this.patterns = patterns.filter((p) => p !== "").map(parsePattern);
    this.hasExclusions = this.patterns.some((p) => p.exclusion);
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  /** Whether `path` or one of its parent directories is matched (the last deciding pattern wins). */
  matches(path: string): boolean {
    const parents = parentPaths(path);
    let matched = false;
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue;
      let hit = p.regexp.test(path);
      if (!hit) hit = parents.some((parent) => p.regexp.test(parent));
      if (hit) matched = !p.exclusion;
    }
    return matched;
  }

  /** Whether an exception pattern could re-include something below the excluded directory `dir`. */
  mayIncludeBelow(dir: string): boolean {
    if (!this.hasExclusions) return false;
    const prefix = `${dir}/`;
    return this.patterns.some((p) => {
      if (!p.exclusion) return false;
      const literal = literalPrefix(p.text);
      // A pattern whose literal start already leaves this directory cannot match below it.
      return literal.startsWith(prefix) || prefix.startsWith(literal) || literal === "";
    });
  }
}

function parentPaths(path: string): string[] {
  const parts = path.split("/");
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join("/"));
  return out;
}

/** The part of a pattern before its first wildcard. */
function literalPrefix(text: string): string {
  const m = /[*?[\\]/.exec(text);
  return m === null ? `${text}/` : text.slice(0, m.index);
}

/** Whether a path segment or pattern has wildcard characters. */
export function hasWildcards(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") i++;
    else if (c === "*" || c === "?" || c === "[") return true;
  }
  return false;
}

/** Go's filepath.Match for one path (no `**`): `*` and `?` do not cross `/`. */
export function matchGlob(pattern: string, path: string): boolean {
  return pathMatch(pattern, path);
}
