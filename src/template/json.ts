// Go's encoding/json output for plain JS values: compact, struct (plain object) fields in their own order,
// Map keys sorted as Go sorts map keys, U+2028/U+2029 escaped, HTML characters escaped only on request
// (json.Marshal escapes them; docker's `json` template function turns that off).
import { kindOf, listItems, mapEntries, structFields } from "./values.ts";

export interface MarshalOptions {
  /** Escape <, > and & as \u003c, \u003e, \u0026 like json.Marshal. Default false, like docker's `json`. */
  readonly escapeHTML?: boolean;
}

export class UnsupportedValueError extends Error {
  override name = "UnsupportedValueError";
}

const hex = (c: number): string => "\\u" + c.toString(16).padStart(4, "0");

export function quoteJSON(s: string, escapeHTML: boolean): string {
  // JSON.stringify already escapes quotes, backslashes, control characters (\b \f \n \r \t, others as
  // \u00XX) and lone surrogates; Go writes U+FFFD for the latter.
  let out = JSON.stringify(s.toWellFormed());
  out = out.replace(/[\u2028\u2029]/g, (c) => hex(c.charCodeAt(0)));
  if (escapeHTML) out = out.replace(/[<>&]/g, (c) => hex(c.charCodeAt(0)));
  return out;
}

function encode(v: unknown, escapeHTML: boolean, seen: Set<object>): string | undefined {
  if (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function") {
    v = (v as { toJSON(): unknown }).toJSON();
  }
  switch (kindOf(v)) {
    case "invalid":
      return undefined;
    case "nil":
      return "null";
    case "bool":
      return String(v);
    case "int":
    case "float":
      if (typeof v === "bigint") return v.toString();
      if (!Number.isFinite(v)) throw new UnsupportedValueError(`json: unsupported value: ${String(v)}`);
      return JSON.stringify(v);
    case "string":
      return quoteJSON(String(v), escapeHTML);
    case "func":
      throw new UnsupportedValueError("json: unsupported type: func()");
    default:
      break;
  }
  const obj = v as object;
  if (seen.has(obj)) throw new UnsupportedValueError("json: unsupported value: encountered a cycle");
  seen.add(obj);
  try {
    const kind = kindOf(obj);
    if (kind === "slice") {
      return (
        "[" +
        listItems(obj as unknown[])
          .map((e) => encode(e, escapeHTML, seen) ?? "null")
          .join(",") +
        "]"
      );
    }
    const entries = obj instanceof Map ? mapEntries(obj) : structFields(obj);
    const parts: string[] = [];
    for (const [k, e] of entries) {
      if (typeof e === "function") continue;
      const value = encode(e, escapeHTML, seen);
      if (value !== undefined) parts.push(quoteJSON(String(k), escapeHTML) + ":" + value);
    }
    return "{" + parts.join(",") + "}";
  } finally {
    seen.delete(obj);
  }
}

/** json.Marshal. Throws UnsupportedValueError for NaN, Infinity, functions and cycles. */
export function marshalJSON(v: unknown, options: MarshalOptions = {}): string {
  return encode(v, options.escapeHTML ?? false, new Set()) ?? "null";
}
