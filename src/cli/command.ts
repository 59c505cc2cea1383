// The shape of a CLI command: its flags, usage and run function. Each command lives in commands/NAME.ts.

export type FlagType = "bool" | "string" | "strings" | "int";

export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  description: string;
  /** Shown in help, e.g. "string", "list", "int". */
  valueName?: string;
  default?: string | number | boolean;
  hidden?: boolean;
}

export type FlagValue = string | number | boolean | string[];

export interface ParsedFlags {
  bool(name: string): boolean;
  string(name: string): string | undefined;
  strings(name: string): string[];
  int(name: string): number | undefined;
  /** Whether the user set the flag explicitly. */
  has(name: string): boolean;
}

export interface CommandSpec {
  /** Full command path as typed, e.g. "image prune". */
  name: string;
  usage: string;
  description: string;
  aliases?: string[];
  flags: FlagSpec[];
  /** Argument count rules, checked before run. */
  args?: { min?: number; max?: number; exact?: number };
  /** Stop parsing flags at the first positional argument (run, exec). */
  stopAtFirstArg?: boolean;
  examples?: string;
}

export interface Io {
  stdout: NodeJS.WriteStream | NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  stdin: NodeJS.ReadStream | NodeJS.ReadableStream;
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
}

export interface Context {
  io: Io;
  /** The command path as resolved, e.g. "image inspect". */
  command: string;
  /** Store root directory (resolved from --root, HOIST_ROOT, or the default). */
  root: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  debug: boolean;
}

export interface CommandModule {
  spec: CommandSpec;
  run(ctx: Context, args: string[], flags: ParsedFlags): Promise<number | void>;
}
