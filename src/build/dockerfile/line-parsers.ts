// Splitting one logical Dockerfile line into keyword, --flags and arguments, with the argument rules
// of each instruction (BuildKit's parser/line_parsers.go and split_command.go).
import { goQuote, isSpace, trimLeftSpace, trimSpace } from "./go-text.ts";
import type { EscapeToken } from "./shell-lex.ts";

/** A syntax error inside one instruction; the parser adds the line range. */
export class LineSyntaxError extends Error {}

export interface LineArgs {
  args: string[];
  /** The arguments came from a JSON array (exec form). */
  json: boolean;
}

export interface SplitLine {
  /** The keyword as written. */
  keyword: string;
  flags: string[];
  /** The text after the keyword and flags, trimmed. */
  rest: string;
}

const blanks = /[\t\v\f\r ]+/;
const none: LineArgs = { args: [], json: false };

/** Keyword, flags and the rest of a logical line. */
export function splitCommand(line: string): SplitLine {
  const trimmed = trimSpace(line);
  const m = blanks.exec(trimmed);
  if (m === null) return { keyword: trimmed, flags: [], rest: "" };
  const { rest, flags } = extractFlags(trimmed.slice(m.index + m[0].length));
  return { keyword: trimmed.slice(0, m.index), flags, rest: trimSpace(rest) };
}

/**
 * Leading words that start with `--` are flags (quotes removed, `\` escapes the next character);
 * a bare `--` ends them and is dropped.
 */
export function extractFlags(line: string): { rest: string; flags: string[] } {
  const chars = Array.from(line);
  const flags: string[] = [];
  let offset = 0; // UTF-16 offset of chars[i]
  for (let i = 0; i < chars.length;) {
    if (isSpace(chars[i] ?? "")) {
      offset += (chars[i++] ?? "").length;
      continue;
    }
    if (chars[i] !== "-" || chars[i + 1] !== "-") return { rest: line.slice(offset), flags };
    let word = "";
    let blankOK = false;
    let quote = "";
    for (; i < chars.length; i++) {
      let ch = chars[i] ?? "";
      if (quote === "" && isSpace(ch)) break;
      offset += ch.length;
      if (quote === "" && (ch === "'" || ch === '"')) {
        quote = ch;
        blankOK = true;
        continue;
      }
      if (quote !== "" && ch === quote) {
        quote = "";
        continue;
      }
      if (ch === "\\") {
        if (i + 1 === chars.length) continue; // a trailing backslash is dropped
        ch = chars[++i] ?? "";
        offset += ch.length;
      }
      word += ch;
    }
    if (word === "--") return { rest: line.slice(offset), flags };
    if (blankOK || word !== "") flags.push(word);
  }
  return { rest: "", flags };
}

/**
 * Quote-aware words for ENV, LABEL and ARG: quotes and escapes are kept in the words, blanks outside
 * quotes separate them, and a lone escape at the very end is dropped.
 */
export function parseWords(rest: string, escapeToken: EscapeToken = "\\"): string[] {
  const chars = Array.from(rest);
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let blankOK = false;
  let quote = "";
  for (let pos = 0; pos < chars.length; pos++) {
    let ch = chars[pos] ?? "";
    const last = pos + 1 === chars.length;
    if (!inWord && quote === "") {
      if (isSpace(ch)) continue;
      inWord = true;
    }
    if (quote === "") {
      if (isSpace(ch)) {
        if (blankOK || word !== "") words.push(word);
        word = "";
        blankOK = false;
        inWord = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
      }
      if (ch === escapeToken) {
        if (last) continue;
        word += ch;
        ch = chars[++pos] ?? "";
      }
      word += ch;
      continue;
    }
    if (ch === quote) quote = "";
    if (ch === escapeToken && quote !== "'") {
      if (last) {
        quote = "";
        continue;
      }
      word += ch;
      ch = chars[++pos] ?? "";
    }
    word += ch;
  }
  if ((inWord || quote !== "") && (blankOK || word !== "")) words.push(word);
  return words;
}

/** ENV and LABEL: `key value` (legacy) or `k=v k2=v2`, as triples key, value, separator. */
export function parseNameValue(rest: string, escapeToken: EscapeToken, keyword: string): LineArgs {
  const words = parseWords(rest, escapeToken);
  if (words.length === 0) return none;
  if (!(words[0] ?? "").includes("=")) {
    const m = blanks.exec(rest);
    if (m === null) throw new LineSyntaxError(`${keyword} must have two arguments`);
    return { args: [rest.slice(0, m.index), rest.slice(m.index + m[0].length), ""], json: false };
  }
  const args: string[] = [];
  for (const word of words) {
    const eq = word.indexOf("=");
    if (eq < 0) {
      throw new LineSyntaxError(`Syntax error - can't find = in ${goQuote(word)}. Must be of the form: name=value`);
    }
    args.push(word.slice(0, eq), word.slice(eq + 1), "=");
  }
  return { args, json: false };
}

/** ARG: every quote-aware word is one argument. */
export function parseNameOrNameValue(rest: string, escapeToken: EscapeToken): LineArgs {
  return { args: parseWords(rest, escapeToken), json: false };
}

/** FROM, EXPOSE: split on blanks, no quote processing. */
export function parseWhitespaceDelimited(rest: string): LineArgs {
  return rest === "" ? none : { args: rest.split(blanks), json: false };
}

/** MAINTAINER, USER, WORKDIR, STOPSIGNAL: the rest is one argument. */
export function parseString(rest: string): LineArgs {
  return rest === "" ? none : { args: [rest], json: false };
}

/** A JSON array of strings, or undefined when `rest` is not a JSON array. */
function parseJSON(rest: string): string[] | undefined {
  const text = trimLeftSpace(rest);
  if (!text.startsWith("[")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  return value.map((v: unknown) => {
    if (typeof v !== "string") {
      throw new LineSyntaxError("when using JSON array syntax, arrays must be comprised of strings only");
    }
    return v.toWellFormed();
  });
}

/** RUN, CMD, ENTRYPOINT, SHELL: exec form, or the whole rest as one shell-form argument. */
export function parseMaybeJSON(rest: string): LineArgs {
  if (rest === "") return none;
  const json = parseJSON(rest);
  return json === undefined ? { args: [rest], json: false } : { args: json, json: true };
}

/** ADD, COPY, VOLUME: exec form, or split on blanks. */
export function parseMaybeJSONToList(rest: string): LineArgs {
  const json = parseJSON(rest);
  return json === undefined ? parseWhitespaceDelimited(rest) : { args: json, json: true };
}

/** HEALTHCHECK: a type word (CMD, NONE, ...) followed by a CMD-like command. */
export function parseHealthConfig(rest: string): LineArgs {
  const chars = Array.from(rest);
  let sep = 0;
  while (sep < chars.length && !isSpace(chars[sep] ?? "")) sep++;
  if (sep === 0) return none;
  let next = sep;
  while (next < chars.length && isSpace(chars[next] ?? "")) next++;
  const cmd = parseMaybeJSON(chars.slice(next).join(""));
  return { args: [chars.slice(0, sep).join(""), ...cmd.args], json: cmd.json };
}
