// Template functions: Go's builtins (and, or, not, eq, ne, lt, le, gt, ge, len, index, slice, print, printf,
// println, html, js, urlquery, call) and docker's additions (json, join, split, upper, lower, title, truncate, pad).
import { sprint, sprintln } from "./fmt.ts";
import { sprintf } from "./sprintf.ts";
import { marshalJSON } from "./json.ts";
import { htmlEscape, jsEscape, queryEscape, title } from "./escape.ts";
import { FuncError, getField, goTypeName, isTrue, kindOf, listItems, mapEntries } from "./values.ts";

/** How the executor checks and converts an argument before the call (Go's reflect-typed parameters). */
export type ParamType = "any" | "string" | "int" | "strings";

export interface FuncDef {
  readonly params: readonly ParamType[];
  /** Type of any further arguments; absent for a fixed number of arguments. */
  readonly variadic?: ParamType;
  readonly fn: (args: unknown[]) => unknown;
}

/** Extra functions: a plain function takes any arguments unchecked; a FuncDef declares parameter types. */
export type FuncMap = Readonly<Record<string, FuncDef | ((...args: never[]) => unknown)>>;

const def = (params: ParamType[], fn: (args: unknown[]) => unknown, variadic?: ParamType): FuncDef =>
  variadic === undefined ? { params, fn } : { params, fn, variadic };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

type Basic = "bool" | "number" | "string" | "nil" | "other";

function basic(v: unknown): Basic {
  const k = kindOf(v);
  if (k === "invalid" || k === "nil") return "nil";
  if (k === "int" || k === "float") return "number";
  return k === "bool" || k === "string" ? k : "other";
}

function eq(args: unknown[]): boolean {
  const [a, ...rest] = args;
  if (rest.length === 0) throw new FuncError("missing argument for comparison");
  const ka = basic(a);
  for (const b of rest) {
    const kb = basic(b);
    if (ka !== kb) {
      if (ka === "nil" || kb === "nil") continue;
      throw new FuncError("incompatible types for comparison");
    }
    if (ka === "other") throw new FuncError(`non-comparable types ${goTypeName(a)} and ${goTypeName(b)}`);
    if (ka === "nil" || (ka === "number" ? Number(a) === Number(b) : a === b)) return true;
  }
  return false;
}

function lt(args: unknown[]): boolean {
  const [a, b] = args;
  const ka = basic(a);
  const kb = basic(b);
  if (ka === "nil" || kb === "nil" || ka === "other" || kb === "other")
    throw new FuncError("invalid type for comparison");
  if (ka !== kb) throw new FuncError("incompatible types for comparison");
  if (ka === "bool") throw new FuncError("invalid type for comparison");
  return ka === "number" ? Number(a) < Number(b) : (a as string) < (b as string);
}

const le = (args: unknown[]): boolean => lt(args) || eq(args);

function intIndex(v: unknown, size: number): number {
  if (kindOf(v) !== "int") throw new FuncError(`cannot index slice/array with type ${goTypeName(v)}`);
  const n = Number(v);
  if (n < 0 || n > size) throw new FuncError(`index out of range: ${n}`);
  return n;
}

/** Zero value for a missing map key: "" for a map of strings (docker's labels), else no value. */
function missingKey(m: object): unknown {
  const values = m instanceof Map ? [...(m as Map<unknown, unknown>).values()] : Object.values(m);
  return values.every((v) => typeof v === "string") ? "" : undefined;
}

function index(args: unknown[]): unknown {
  const keys = args.slice(1);
  let item = args[0];
  if (item === undefined || item === null) {
    // A typed nil map[string]string in docker (e.g. Config.Labels of an image without labels) yields "".
    if (keys.length === 1 && typeof keys[0] === "string") return "";
    throw new FuncError("index of untyped nil");
  }
  for (const key of keys) {
    if (item === undefined || item === null) throw new FuncError("index of nil pointer");
    const kind = kindOf(item);
    if (kind === "slice") {
      const items = listItems(item as unknown[]);
      const n = intIndex(key, items.length);
      if (n >= items.length) throw new FuncError(`index out of range: ${n}`);
      item = items[n];
    } else if (kind === "string") {
      const bytes = encoder.encode(item as string);
      const n = intIndex(key, bytes.length);
      if (n >= bytes.length) throw new FuncError(`index out of range: ${n}`);
      item = bytes[n];
    } else if (kind === "map") {
      const m = item as object;
      if (!(m instanceof Map) && typeof key !== "string") {
        throw new FuncError(`value has type ${goTypeName(key)}; should be string`);
      }
      const has = m instanceof Map ? m.has(key) : Object.hasOwn(m, key as string);
      item = has ? getField(m, key as string) : missingKey(m);
    } else {
      throw new FuncError(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

function slice(args: unknown[]): unknown {
  const [item, ...idx] = args;
  if (item === undefined || item === null) throw new FuncError("slice of untyped nil");
  if (idx.length > 3) throw new FuncError(`too many slice indexes: ${idx.length}`);
  const kind = kindOf(item);
  let seq: unknown[] | Uint8Array;
  if (kind === "string") {
    if (idx.length === 3) throw new FuncError("cannot 3-index slice a string");
    seq = encoder.encode(item as string);
  } else if (kind === "slice") seq = listItems(item as unknown[]);
  else throw new FuncError(`can't slice item of type ${goTypeName(item)}`);
  const bounds = [0, seq.length, seq.length];
  idx.forEach((v, i) => (bounds[i] = intIndex(v, seq.length)));
  const [from = 0, to = 0, cap = 0] = bounds;
  if (from > to) throw new FuncError(`invalid slice index: ${from} > ${to}`);
  if (idx.length === 3 && to > cap) throw new FuncError(`invalid slice index: ${to} > ${cap}`);
  const part = seq.slice(from, to);
  return part instanceof Uint8Array ? decoder.decode(part) : part;
}

function len(args: unknown[]): number {
  const [v] = args;
  switch (kindOf(v)) {
    case "invalid":
    case "nil":
      throw new FuncError("len of nil pointer");
    case "string":
      return encoder.encode(v as string).length;
    case "slice":
      return listItems(v as unknown[]).length;
    case "map":
      return mapEntries(v as object).length;
    default:
      throw new FuncError(`len of type ${goTypeName(v)}`);
  }
}

/** The text the escaping functions work on: a lone string as is, else fmt.Sprint with nil as "<no value>". */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(args.map((a) => (a === undefined || a === null ? "<no value>" : a)));
}

function call(args: unknown[]): unknown {
  const [fn, ...rest] = args;
  if (fn === undefined || fn === null) throw new FuncError("call of nil");
  if (typeof fn !== "function") throw new FuncError(`non-function of type ${goTypeName(fn)}`);
  return (fn as (...a: unknown[]) => unknown)(...rest);
}

const str = (v: unknown): string => v as string;

function firstWithTruth(args: unknown[], truth: boolean): unknown {
  for (const a of args) if (isTrue(a) === truth) return a;
  return args[args.length - 1];
}

export const builtins: Readonly<Record<string, FuncDef>> = {
  // The executor evaluates and/or lazily (stopping at the deciding argument); these serve direct calls.
  and: def(["any"], (args) => firstWithTruth(args, false), "any"),
  or: def(["any"], (args) => firstWithTruth(args, true), "any"),
  not: def(["any"], (args) => !isTrue(args[0])),
  eq: def(["any"], eq, "any"),
  ne: def(["any", "any"], (args) => !eq(args)),
  lt: def(["any", "any"], lt),
  le: def(["any", "any"], le),
  gt: def(["any", "any"], (args) => !le(args)),
  ge: def(["any", "any"], (args) => !lt(args)),
  len: def(["any"], len),
  index: def(["any"], index, "any"),
  slice: def(["any"], slice, "any"),
  call: def(["any"], call, "any"),
  print: def([], sprint, "any"),
  printf: def(["string"], (args) => sprintf(str(args[0]), args.slice(1)), "any"),
  println: def([], sprintln, "any"),
  html: def([], (args) => htmlEscape(evalArgs(args)), "any"),
  js: def([], (args) => jsEscape(evalArgs(args)), "any"),
  urlquery: def([], (args) => queryEscape(evalArgs(args)), "any"),
  // docker's templates.basicFunctions
  json: def(["any"], (args) => {
    try {
      return marshalJSON(args[0]);
    } catch {
      return ""; // docker ignores the encoder's error and prints what it wrote: nothing
    }
  }),
  split: def(["string", "string"], ([s, sep]) => (sep === "" ? Array.from(str(s)) : str(s).split(str(sep)))),
  join: def(["strings", "string"], ([list, sep]) =>
    (list as unknown[]).map((e) => (typeof e === "string" ? e : sprint([e]))).join(str(sep)),
  ),
  title: def(["string"], ([s]) => title(str(s))),
  lower: def(["string"], ([s]) => str(s).toLowerCase()),
  upper: def(["string"], ([s]) => str(s).toUpperCase()),
  pad: def(["string", "int", "int"], ([s, prefix, suffix]) =>
    s === "" ? "" : " ".repeat(Math.max(Number(prefix), 0)) + str(s) + " ".repeat(Math.max(Number(suffix), 0)),
  ),
  truncate: def(["string", "int"], ([s, n]) => {
    const runes = Array.from(str(s));
    const length = Number(n);
    if (length < 0) throw new FuncError(`slice bounds out of range [:${length}]`);
    return runes.length < length ? str(s) : runes.slice(0, length).join("");
  }),
};

/** docker's templates.HeaderFunctions: render a table header from a map of column titles without altering them. */
export const headerFuncs: FuncMap = {
  json: def(["string"], ([v]) => v),
  split: def(["string", "string"], ([v]) => v),
  join: def(["string", "string"], ([v]) => v),
  title: def(["string"], ([v]) => v),
  lower: def(["string"], ([v]) => v),
  upper: def(["string"], ([v]) => v),
  truncate: def(["string", "int"], ([v]) => v),
};
