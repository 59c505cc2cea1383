// Docker-style (pflag) flag parsing: --name=value, --name value, -abc, -nVALUE, repeated flags, `--`.
import { UsageError } from "../errors.ts";
import type { CommandSpec, FlagSpec, FlagValue, ParsedFlags } from "./command.ts";

export const helpFlag: FlagSpec = { name: "help", type: "bool", description: "Print usage" };

export interface ParseResult {
  args: string[];
  flags: ParsedFlags;
}

function parseBool(v: string, flag: string): boolean {
  if (/^(1|t|true|TRUE|True)$/.test(v)) return true;
  if (/^(0|f|false|FALSE|False)$/.test(v)) return false;
  throw new UsageError(
    `invalid argument "${v}" for "--${flag}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`,
  );
}

export function parseFlags(spec: CommandSpec, argv: string[], commandPath = spec.name): ParseResult {
  const all = [...spec.flags, helpFlag];
  const byName = new Map(all.map((f) => [f.name, f]));
  const byShort = new Map(all.filter((f) => f.short).map((f) => [f.short as string, f]));
  const values = new Map<string, FlagValue>();
  const args: string[] = [];

  const set = (f: FlagSpec, raw: string | undefined, display: string): void => {
    switch (f.type) {
      case "bool":
        values.set(f.name, raw === undefined ? true : parseBool(raw, f.name));
        return;
      case "int": {
        if (raw === undefined || !/^-?\d+$/.test(raw))
          throw new UsageError(
            `invalid argument "${raw ?? ""}" for "${display}" flag: strconv.ParseInt: parsing "${raw ?? ""}": invalid syntax`,
            commandPath,
          );
        values.set(f.name, Number(raw));
        return;
      }
      case "strings": {
        const prev = (values.get(f.name) as string[] | undefined) ?? [];
        values.set(f.name, [...prev, raw ?? ""]);
        return;
      }
      default:
        values.set(f.name, raw ?? "");
    }
  };

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--") {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const f = byName.get(name);
      if (!f) throw new UsageError(`unknown flag: --${name}`, commandPath);
      if (eq >= 0) set(f, a.slice(eq + 1), `--${name}`);
      else if (f.type === "bool") set(f, undefined, `--${name}`);
      else {
        if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: --${name}`, commandPath);
        set(f, argv[++i], `--${name}`);
      }
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j] as string;
        const f = byShort.get(c);
        if (!f) throw new UsageError(`unknown shorthand flag: '${c}' in ${a}`, commandPath);
        if (f.type === "bool") {
          if (a[j + 1] === "=") {
            set(f, a.slice(j + 2), `-${c}, --${f.name}`);
            break;
          }
          set(f, undefined, `-${c}, --${f.name}`);
          continue;
        }
        let rest = a.slice(j + 1);
        if (rest.startsWith("=")) rest = rest.slice(1);
        if (rest === "") {
          if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: '${c}' in -${c}`, commandPath);
          rest = argv[++i] as string;
        }
        set(f, rest, `-${c}, --${f.name}`);
        break;
      }
      continue;
    }
    args.push(a);
    if (spec.stopAtFirstArg) {
      args.push(...argv.slice(i + 1));
      break;
    }
  }

  const flags: ParsedFlags = {
    bool: (n) => (values.get(n) as boolean | undefined) ?? (byName.get(n)?.default as boolean | undefined) ?? false,
    string: (n) => (values.get(n) as string | undefined) ?? (byName.get(n)?.default as string | undefined),
    strings: (n) => (values.get(n) as string[] | undefined) ?? [],
    int: (n) => (values.get(n) as number | undefined) ?? (byName.get(n)?.default as number | undefined),
    has: (n) => values.has(n),
  };
  return { args, flags };
}

/** Docker's help text for a command. */
export function helpText(spec: CommandSpec, prog = "hoist"): string {
  const lines = [``, `Usage:  ${prog} ${spec.usage}`, ``, spec.description, ``];
  if (spec.aliases?.length)
    lines.push(`Aliases:`, `  ${[spec.name, ...spec.aliases].map((a) => `${prog} ${a}`).join(", ")}`, ``);
  const visible = [...spec.flags.filter((f) => !f.hidden), helpFlag];
  if (visible.length) {
    lines.push("Options:");
    const left = visible.map((f) => {
      const head = f.short ? `-${f.short}, --${f.name}` : `    --${f.name}`;
      const value = f.type === "bool" ? "" : ` ${f.valueName ?? (f.type === "strings" ? "list" : f.type)}`;
      return `  ${head}${value}`;
    });
    const width = Math.max(...left.map((l) => l.length)) + 3;
    visible.forEach((f, i) => {
      const def =
        f.default !== undefined && f.type !== "bool" && f.default !== ""
          ? ` (default ${JSON.stringify(f.default)})`
          : "";
      lines.push(`${(left[i] as string).padEnd(width)}${f.description}${def}`);
    });
  }
  if (spec.examples) lines.push("", "Examples:", spec.examples);
  return lines.join("\n") + "\n";
}
