// Compile once, execute many times; `render` keeps a small cache of compiled templates.
import type { ListNode } from "./ast.ts";
import { execute } from "./exec.ts";
import type { ExecOptions } from "./exec.ts";
import { builtins } from "./funcs.ts";
import type { FuncMap } from "./funcs.ts";
import { parse } from "./parser.ts";

export interface CompileOptions {
  /** The template name shown in errors (`template: NAME:1: …`); docker's is "". */
  readonly name?: string;
  /** Extra functions, known to the parser and used when executing. */
  readonly funcs?: FuncMap;
}

export interface Template {
  readonly name: string;
  readonly source: string;
  readonly tree: ListNode;
  /** Run the template over `data`; throws HoistError INVALID_ARGUMENT on execution errors. */
  execute(data: unknown, options?: ExecOptions): string;
}

/** Parse a template; throws HoistError INVALID_ARGUMENT with Go's wording on syntax errors. */
export function compile(source: string, options: CompileOptions = {}): Template {
  const name = options.name ?? "";
  const funcs = options.funcs;
  const known = (fn: string): boolean =>
    Object.hasOwn(builtins, fn) || (funcs !== undefined && Object.hasOwn(funcs, fn));
  const tree = parse(source, name, known);
  const target = { name, source, tree, funcs };
  return { name, source, tree, execute: (data, execOptions) => execute(target, data, execOptions) };
}

const cacheLimit = 128;
const cache = new Map<string, Template>();

/** compile() through a small LRU cache keyed by source, name and extra function names. */
export function cachedCompile(source: string, options: CompileOptions = {}): Template {
  const names = options.funcs === undefined ? "" : Object.keys(options.funcs).sort().join(",");
  const key = `${options.name ?? ""}\0${names}\0${source}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const t = compile(source, options);
  cache.set(key, t);
  if (cache.size > cacheLimit) cache.delete(cache.keys().next().value as string);
  return t;
}

/** Render `source` over `data`. Compiled templates are cached by source, name and function names; the
 * functions given here are the ones executed, so a cached template never runs stale functions. */
export function render(source: string, data: unknown, options: ExecOptions & CompileOptions = {}): string {
  const t = cachedCompile(source, options);
  return t.execute(data, options);
}
