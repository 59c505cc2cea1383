// BuildKit's shell-word lexer (frontend/dockerfile/shell): quote removal, escapes and $VAR / ${VAR...}
// expansion of one word (processWord), the same followed by word splitting (processWords), and the
// names looked up while doing it (matched / unmatched), which build cache keys need.
import { ShellExpansionError } from "./errors.ts";
import { isDigit, isLetter } from "./go-text.ts";
import { envLookup, type Env } from "./shell-env.ts";
import { Words } from "./shell-words.ts";
import {
  replaceAllGo,
  replaceFirst,
  shellPatternToRegExp,
  trimPrefixPattern,
  trimSuffixPattern,
} from "./shell-pattern.ts";

export type EscapeToken = "\\" | "`";
export { envLookup, type Env };

export interface ExpansionResult {
  /** The word after quote removal and expansion (processWord). */
  result: string;
  /** The same split into words on unquoted whitespace (processWords). */
  words: string[];
  /** Variable names that were looked up and set. */
  matched: Set<string>;
  /** Variable names that were looked up and unset. */
  unmatched: Set<string>;
}

export interface LexOptions {
  /** The escape character: `\` (default) or a backtick (`# escape=\``). */
  escapeToken?: EscapeToken;
  /** Keep quote characters in the result. */
  rawQuotes?: boolean;
  /** Keep escape characters in the result. */
  rawEscapes?: boolean;
  /** Treat quotes as ordinary characters. */
  skipProcessQuotes?: boolean;
  /** Leave references to unset variables as written (`$X`, `${X:-y}`). */
  skipUnsetEnv?: boolean;
  /** Word splitting keeps `<<`, `<<-`, `3<<` glued to the following word (heredoc detection). */
  glueHeredocOperators?: boolean;
}

/** Expand one word; returns the result together with the words and the variables used. */
export function processWordWithMatches(word: string, env: Env, options: LexOptions = {}): ExpansionResult {
  const ex = new Expander(word, envLookup(env), options);
  try {
    const { result, words } = ex.processStopOn(undefined, options.rawEscapes ?? false);
    return { result, words, matched: ex.matched, unmatched: ex.unmatched };
  } catch (e) {
    if (e instanceof LexFailure) throw new ShellExpansionError(word, e.message);
    throw e;
  }
}

/** ProcessWord: quote removal and expansion of one word, no field splitting. */
export function processWord(word: string, env: Env, options: LexOptions = {}): string {
  return processWordWithMatches(word, env, options).result;
}

/** ProcessWords: expansion followed by splitting on whitespace that is neither quoted nor escaped. */
export function processWords(word: string, env: Env, options: LexOptions = {}): string[] {
  return processWordWithMatches(word, env, options).words;
}

class LexFailure extends Error {}

function isSpecialParam(ch: string): boolean {
  return "@*#?-$!0".includes(ch);
}

class Expander {
  readonly chars: string[];
  pos = 0;
  readonly lookup: (name: string) => string | undefined;
  readonly opts: LexOptions;
  readonly escape: string;
  rawEscapes: boolean;
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();

  constructor(word: string, lookup: (name: string) => string | undefined, opts: LexOptions) {
    this.chars = Array.from(word);
    if (this.chars[0] === "\uFEFF") this.pos = 1; // Go's text/scanner skips a leading byte-order mark
    this.lookup = lookup;
    this.opts = opts;
    this.escape = opts.escapeToken ?? "\\";
    this.rawEscapes = opts.rawEscapes ?? false;
  }

  peek(): string | undefined {
    return this.chars[this.pos];
  }

  next(): string | undefined {
    const ch = this.chars[this.pos];
    if (ch !== undefined) this.pos++;
    return ch;
  }

  getEnv(name: string): string | undefined {
    const value = this.lookup(name);
    if (value === undefined) this.unmatched.add(name);
    else this.matched.add(name);
    return value;
  }

  /** Process up to `stop` (consumed) or the end of input when `stop` is undefined. */
  processStopOn(stop: string | undefined, rawEscapes: boolean): { result: string; words: string[] } {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      return this.scan(stop);
    } finally {
      this.rawEscapes = saved;
    }
  }

  private scan(stop: string | undefined): { result: string; words: string[] } {
    let result = "";
    const words = new Words(this.opts.glueHeredocOperators ?? false);
    const quotes = !(this.opts.skipProcessQuotes ?? false);
    for (let ch = this.peek(); ch !== undefined; ch = this.peek()) {
      if (stop !== undefined && ch === stop) {
        this.next();
        return { result, words: words.finish() };
      }
      if (ch === "$" || (quotes && (ch === "'" || ch === '"'))) {
        const part = ch === "$" ? this.processDollar() : ch === "'" ? this.singleQuoted() : this.doubleQuoted();
        result += part;
        if (ch === "$") words.addString(part);
        else words.addRaw(part);
        continue;
      }
      this.next();
      if (ch === this.escape) {
        if (this.rawEscapes) {
          words.addRaw(ch);
          result += ch;
        }
        const escaped = this.next();
        if (escaped === undefined) break; // a lone escape at the end is dropped
        words.addRaw(escaped);
        result += escaped;
      } else {
        words.addChar(ch);
        result += ch;
      }
    }
    if (stop !== undefined) throw new LexFailure(`unexpected end of statement while looking for matching ${stop}`);
    return { result, words: words.finish() };
  }

  private singleQuoted(): string {
    const raw = this.opts.rawQuotes ?? false;
    let result = raw ? (this.next() ?? "") : (this.next(), "");
    for (;;) {
      const ch = this.next();
      if (ch === undefined) throw new LexFailure("unexpected end of statement while looking for matching single-quote");
      if (ch === "'") return raw ? result + ch : result;
      result += ch;
    }
  }

  private doubleQuoted(): string {
    const raw = this.opts.rawQuotes ?? false;
    let result = raw ? (this.next() ?? "") : (this.next(), "");
    for (;;) {
      const peeked = this.peek();
      if (peeked === undefined) {
        throw new LexFailure("unexpected end of statement while looking for matching double-quote");
      }
      if (peeked === '"') {
        this.next();
        return raw ? result + peeked : result;
      }
      if (peeked === "$") {
        result += this.processDollar();
        continue;
      }
      let ch = this.next() ?? "";
      if (ch === this.escape) {
        if (this.rawEscapes) result += ch;
        const after = this.peek();
        if (after === undefined) continue; // ignore an escape at the end of the word
        // inside double quotes the escape only escapes ", $ and itself; otherwise it stays
        if (after === '"' || after === "$" || after === this.escape) ch = this.next() ?? "";
      }
      result += ch;
    }
  }

  /** `$name`, `$1`, `$@`, `${...}`; the `$` is at the current position. */
  private processDollar(): string {
    this.next();
    if (this.peek() !== "{") {
      const name = this.processName();
      if (name === "") return "$";
      const value = this.getEnv(name);
      if (value === undefined && this.opts.skipUnsetEnv) return "$" + name;
      return value ?? "";
    }
    this.next();
    const first = this.peek();
    if (first === undefined) throw new LexFailure("syntax error: missing '}'");
    if (first === "{" || first === "}" || first === ":") throw new LexFailure("syntax error: bad substitution");
    const name = this.processName();
    const ch = this.next();
    if (ch === undefined) throw new LexFailure("syntax error: missing '}'");
    if (ch === "}") {
      const value = this.getEnv(name);
      if (value === undefined && this.opts.skipUnsetEnv) return "${" + name + "}";
      return value ?? "";
    }
    if (ch === "/") return this.substitute(name);
    if (ch === ":") {
      const modifier = this.next() ?? "";
      if (modifier !== "-" && modifier !== "+" && modifier !== "?") {
        throw new LexFailure(`unsupported modifier (:${modifier}) in substitution`);
      }
      return this.modify(name, modifier, true);
    }
    if (ch === "-" || ch === "+" || ch === "?" || ch === "#" || ch === "%") return this.modify(name, ch, false);
    throw new LexFailure(`unsupported modifier (${ch}) in substitution`);
  }

  /** `${name-w}`, `${name:-w}`, `+`, `?`, `#`, `##`, `%`, `%%`. */
  private modify(name: string, op: string, nullIsUnset: boolean): string {
    const patternOp = op === "#" || op === "%";
    let word = this.untilClose(patternOp, "}");
    const value = this.getEnv(name);
    if (value === undefined && this.opts.skipUnsetEnv) return "${" + name + (nullIsUnset ? ":" : "") + op + word + "}";
    const unset = value === undefined || (nullIsUnset && value === "");
    switch (op) {
      case "-":
        return unset ? word : (value ?? "");
      case "+":
        return unset ? "" : word;
      case "?":
        if (value === undefined) throw new LexFailure(`${name}: ${word || "is not allowed to be unset"}`);
        if (unset) throw new LexFailure(`${name}: ${word || "is not allowed to be empty"}`);
        return value;
      default: {
        const greedy = word.startsWith(op);
        if (greedy) word = word.slice(1);
        try {
          return op === "%"
            ? trimSuffixPattern(word, value ?? "", greedy)
            : trimPrefixPattern(word, value ?? "", greedy);
        } catch (e) {
          throw new LexFailure(`invalid pattern (${word}) in substitution: ${(e as Error).message}`);
        }
      }
    }
  }

  /** `${name/pattern/replacement}` and `${name//pattern/replacement}`. */
  private substitute(name: string): string {
    const all = this.peek() === "/";
    if (all) this.next();
    const pattern = this.untilClose(true, "/");
    const replacement = this.untilClose(true, "}");
    const value = this.getEnv(name);
    if (value === undefined && this.opts.skipUnsetEnv) return "${" + name + "/" + pattern + "/" + replacement + "}";
    let re: RegExp;
    try {
      re = shellPatternToRegExp(pattern, true, false, all);
    } catch (e) {
      throw new LexFailure(`invalid pattern (${pattern}) in substitution: ${(e as Error).message}`);
    }
    return all ? replaceAllGo(re, value ?? "", replacement) : replaceFirst(re, value ?? "", replacement);
  }

  private untilClose(rawEscapes: boolean, close: "}" | "/"): string {
    try {
      return this.processStopOn(close, rawEscapes).result;
    } catch (e) {
      if (e instanceof LexFailure && this.peek() === undefined) {
        throw new LexFailure(close === "}" ? "syntax error: missing '}'" : "syntax error: missing '/' in ${}");
      }
      throw e;
    }
  }

  /** A name: letters, digits and `_`; all digits when it starts with one; or one special parameter. */
  private processName(): string {
    let name = "";
    for (let ch = this.peek(); ch !== undefined; ch = this.peek()) {
      if (name === "" && isDigit(ch)) {
        while (ch !== undefined && isDigit(ch)) {
          name += this.next();
          ch = this.peek();
        }
        return name;
      }
      if (name === "" && isSpecialParam(ch)) return this.next() ?? "";
      if (!isLetter(ch) && !isDigit(ch) && ch !== "_") break;
      name += this.next();
    }
    return name;
  }
}
