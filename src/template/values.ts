// How plain JS values look through Go's eyes.
//
//   undefined                → an invalid value (a missing map key, nil data): prints "<no value>"
//   null                     → a nil interface{}
//   string, boolean          → string, bool
//   number                   → int when integral, else float64; bigint → int64
//   array, Set               → []interface {}
//   Map, plain object        → map[string]interface {}: ranged and printed in sorted key order; `json` keeps a
//                              plain object's own key order (docker's structs) and sorts a Map's keys
//   object with [GO_TYPE]    → a struct of that type: fields keep their order, a missing field is an error
//   function-valued property → a method: called on access, with any arguments the template gives

/** Mark an object as a Go struct: `{ [GO_TYPE]: "formatter.imageContext", ID: … }`. */
export const GO_TYPE: unique symbol = Symbol.for("hoist.template.goType");

export type Kind = "invalid" | "nil" | "bool" | "int" | "float" | "string" | "slice" | "map" | "struct" | "func";

export function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case "undefined":
      return "invalid";
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(v) ? "int" : "float";
    case "bigint":
      return "int";
    case "function":
      return "func";
    case "symbol":
      return "string";
    default:
      if (v === null) return "nil";
      if (Array.isArray(v) || v instanceof Set) return "slice";
      if (GO_TYPE in (v as object)) return "struct";
      return "map";
  }
}

/** Copy `fields` (getters and methods included) into a new object marked as a struct of `typeName`. */
export function goStruct<T extends object>(typeName: string, fields: T): T {
  const out = Object.create(Object.getPrototypeOf(fields) as object | null) as T;
  Object.defineProperties(out, Object.getOwnPropertyDescriptors(fields));
  Object.defineProperty(out, GO_TYPE, { value: typeName, enumerable: false });
  return out;
}

/** The Go type name shown in messages such as `can't evaluate field X in type T` and by %T. */
export function goTypeName(v: unknown): string {
  switch (kindOf(v)) {
    case "invalid":
    case "nil":
      return "<nil>";
    case "int":
      return typeof v === "bigint" ? "int64" : "int";
    case "float":
      return "float64";
    case "slice":
      return "[]interface {}";
    case "map":
      return "map[string]interface {}";
    case "struct":
      return String((v as { [GO_TYPE]: unknown })[GO_TYPE]);
    case "func":
      return "func(...interface {}) interface {}";
    default:
      return kindOf(v);
  }
}

/** Go's truth for if/with/and/or/not: false, 0, nil and empty strings, slices and maps are false. */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case "invalid":
    case "nil":
      return false;
    case "bool":
      return v as boolean;
    case "int":
    case "float":
      return v !== 0 && v !== 0n;
    case "string":
      return (v as string).length > 0;
    case "slice":
      return Array.isArray(v) ? v.length > 0 : (v as Set<unknown>).size > 0;
    case "map":
      return v instanceof Map ? v.size > 0 : Object.keys(v as object).length > 0;
    default:
      return true;
  }
}

export function listItems(v: unknown[] | Set<unknown>): unknown[] {
  return Array.isArray(v) ? v : [...v];
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A map's entries in Go's order (sorted keys). */
export function mapEntries(m: object): [unknown, unknown][] {
  if (m instanceof Map) return [...(m as Map<unknown, unknown>).entries()].sort((a, b) => compareKeys(a[0], b[0]));
  return Object.keys(m)
    .sort()
    .map((k) => [k, (m as Record<string, unknown>)[k]]);
}

/** A struct's fields in declaration order. */
export function structFields(s: object): [string, unknown][] {
  return Object.keys(s).map((k) => [k, (s as Record<string, unknown>)[k]]);
}

export function mapSize(m: object): number {
  return m instanceof Map ? m.size : Object.keys(m).length;
}

/** Whether `name` is a field, getter or method of the object (ignoring Object.prototype). */
export function hasField(obj: object, name: string): boolean {
  if (obj instanceof Map) return obj.has(name);
  for (
    let o: object | null = obj;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    if (Object.hasOwn(o, name)) return true;
  }
  return false;
}

export function getField(obj: object, name: string): unknown {
  return obj instanceof Map ? (obj as Map<unknown, unknown>).get(name) : (obj as Record<string, unknown>)[name];
}

/** Errors thrown by template functions: the executor adds position and `error calling name:`. */
export class FuncError extends Error {
  override name = "FuncError";
}
