// The parser's view of the tokens: lookahead, backup, and errors worded like Go's parser.
import type { Token, TokenType } from "./lexer.ts";
import { quote } from "./quote.ts";
import { parseError } from "./template-error.ts";

export interface Stream {
  readonly name: string;
  readonly tokens: readonly Token[];
  /** Index of the next token; past the end it keeps returning the final eof/error token. */
  i: number;
  /** Line of the token most recently read, for error messages. */
  line: number;
  /** Line where the current action started (for "unclosed action started at"), 0 outside actions. */
  actionLine: number;
}

export function stream(name: string, tokens: readonly Token[]): Stream {
  return { name, tokens, i: 0, line: 1, actionLine: 0 };
}

export function peek(s: Stream): Token {
  const t = s.tokens[Math.min(s.i, s.tokens.length - 1)] as Token;
  s.line = t.line;
  return t;
}

export function next(s: Stream): Token {
  const t = peek(s);
  s.i = Math.min(s.i + 1, s.tokens.length);
  return t;
}

export function backup(s: Stream): void {
  s.i--;
}

export function nextNonSpace(s: Stream): Token {
  let t = next(s);
  while (t.type === "space") t = next(s);
  return t;
}

export function peekNonSpace(s: Stream): Token {
  const t = nextNonSpace(s);
  backup(s);
  return t;
}

export function fail(s: Stream, message: string): never {
  throw parseError(s.name, s.line, message);
}

/** Go's item.String(), used in "unexpected … in …" messages. */
function tokenString(t: Token): string {
  if (t.type === "eof") return "EOF";
  if (t.type === "error") return t.val;
  if (t.type === "keyword" || t.type === "dot" || t.type === "nil") return `<${t.val}>`;
  const runes = Array.from(t.val);
  return runes.length > 10 ? quote(runes.slice(0, 10).join("")) + "..." : quote(t.val);
}

export function unexpected(s: Stream, t: Token, context: string): never {
  if (t.type !== "error") return fail(s, `unexpected ${tokenString(t)} in ${context}`);
  let extra = "";
  if (s.actionLine !== 0 && s.actionLine !== t.line) {
    extra = ` in action started at ${s.name}:${s.actionLine}`;
    if (t.val.endsWith(" action")) extra = extra.slice(" in action".length);
  }
  s.line = t.line;
  return fail(s, t.val + extra);
}

export function expect(s: Stream, type: TokenType, context: string): Token {
  const t = nextNonSpace(s);
  return t.type === type ? t : unexpected(s, t, context);
}
