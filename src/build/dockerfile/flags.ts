// Instruction flags (`--from=x`, `--link`, `--mount=...` repeated), checked against what each instruction accepts.

/** bool: `--x`, `--x=true|false`; string: `--x=v` once; strings: `--x=v`, repeatable. */
export type FlagKind = "bool" | "string" | "strings";

/** A flag error; the instruction parser adds the line. */
export class FlagError extends Error {}

export interface Flags {
  bool(name: string): boolean;
  /** The value of a string flag, undefined when not given. */
  string(name: string): string | undefined;
  strings(name: string): string[];
  /** Names of the flags that were given, in order of first use. */
  readonly used: readonly string[];
}

/** Parse `--name[=value]` words against the accepted flags. */
export function parseFlags(args: readonly string[], accepted: Readonly<Record<string, FlagKind>>): Flags {
  const values = new Map<string, string[]>();
  for (const arg of args) {
    if (!arg.startsWith("--")) throw new FlagError(`Arg should start with -- : ${arg}`);
    if (arg === "--") break;
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const value = eq < 0 ? undefined : arg.slice(eq + 1);
    const kind = Object.hasOwn(accepted, name) ? accepted[name] : undefined;
    if (kind === undefined) throw new FlagError(`Unknown flag: ${name}`);
    const previous = values.get(name);
    if (previous !== undefined && kind !== "strings") throw new FlagError(`Duplicate flag specified: ${name}`);
    values.set(name, [...(previous ?? []), flagValue(kind, name, value)]);
  }
  return {
    bool: (name) => values.get(name)?.[0] === "true",
    string: (name) => values.get(name)?.[0],
    strings: (name) => values.get(name) ?? [],
    used: [...values.keys()],
  };
}

function flagValue(kind: FlagKind, name: string, value: string | undefined): string {
  if (kind !== "bool") {
    if (value === undefined) throw new FlagError(`Missing a value on flag: ${name}`);
    return value;
  }
  if (value === undefined) return "true";
  if (value === "") throw new FlagError(`Missing a value on flag: ${name}`);
  const lower = value.toLowerCase();
  if (lower !== "true" && lower !== "false") {
    throw new FlagError(`Expecting boolean value for flag ${name}, not: ${value}`);
  }
  return lower;
}
