// The variables visible to expansion, in any of the forms callers have them.

/**
 * Variables visible to expansion: a map, a record, a `NAME=value` list (the last definition wins;
 * `NAME` alone is set and empty), or a lookup function returning undefined for unset names.
 */
export type Env =
  | ReadonlyMap<string, string>
  | Readonly<Record<string, string>>
  | readonly string[]
  | ((name: string) => string | undefined);

/** A lookup function over any Env form. */
export function envLookup(env: Env): (name: string) => string | undefined {
  if (typeof env === "function") return env;
  if (env instanceof Map) return (name) => env.get(name);
  if (Array.isArray(env)) {
    const map = new Map<string, string>();
    for (const kv of env as readonly string[]) {
      const i = kv.indexOf("=");
      if (i < 0) map.set(kv, "");
      else map.set(kv.slice(0, i), kv.slice(i + 1));
    }
    return (name) => map.get(name);
  }
  const record = env as Readonly<Record<string, string>>;
  return (name) => (Object.hasOwn(record, name) ? record[name] : undefined);
}
