// Template errors worded like Go's, so a docker user recognizes them:
//   template: :1: function "foo" not defined
//   template: :1:2: executing "" at <.Nope>: can't evaluate field Nope in type …
import { HoistError } from "../errors.ts";
import { nodeString } from "./ast.ts";
import type { ArgNode, CommandNode, Node } from "./ast.ts";

export function parseError(name: string, line: number, message: string): HoistError {
  return new HoistError("INVALID_ARGUMENT", `template: ${name}:${line}: ${message}`);
}

/** Line (1-based) and Go's column (bytes since the start of the line) of a source offset. */
export function location(source: string, pos: number): { line: number; col: number } {
  const before = source.slice(0, pos);
  const nl = before.lastIndexOf("\n");
  let line = 1;
  for (let i = before.indexOf("\n"); i >= 0; i = before.indexOf("\n", i + 1)) line++;
  return { line, col: utf8Length(before.slice(nl + 1)) };
}

export function execError(
  name: string,
  source: string,
  node: ArgNode | CommandNode | Node | undefined,
  message: string,
  cause?: unknown,
): HoistError {
  const options = cause === undefined ? {} : { cause };
  if (node === undefined) return new HoistError("INVALID_ARGUMENT", `template: ${name}: ${message}`, options);
  const { line, col } = location(source, node.pos);
  let context = nodeString(node);
  const runes = Array.from(context);
  if (runes.length > 20) context = runes.slice(0, 20).join("") + "...";
  return new HoistError(
    "INVALID_ARGUMENT",
    `template: ${name}:${line}:${col}: executing ${JSON.stringify(name)} at <${context}>: ${message}`,
    options,
  );
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
