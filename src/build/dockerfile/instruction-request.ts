// What every instruction parser gets: the node, its arguments, the common fields, and a flag parser.
import type { FlagKind, Flags } from "./flags.ts";
import type { Location } from "./instruction-types.ts";
import type { Node } from "./parser.ts";

/** A bad instruction; parseInstruction adds "dockerfile parse error on line N". */
export class InstructionSyntaxError extends Error {}

export interface Request {
  readonly node: Node;
  readonly args: readonly string[];
  readonly base: { readonly keyword: string; readonly original: string; readonly location: Location };
  /** Parse the node's flags against those the instruction accepts (throws FlagError). */
  flags(accepted: Readonly<Record<string, FlagKind>>): Flags;
}

export function atLeastOneArgument(command: string): InstructionSyntaxError {
  return new InstructionSyntaxError(`${command} requires at least one argument`);
}

export function exactlyOneArgument(req: Request, command: string): string {
  const [only] = req.args;
  if (req.args.length !== 1 || only === undefined) {
    throw new InstructionSyntaxError(`${command} requires exactly one argument`);
  }
  return only;
}

/** The description of `name` from a preceding `# name description` comment. */
export function commentFor(comments: readonly string[], name: string): string {
  if (name === "") return "";
  const line = comments.find((c) => c.startsWith(name + " "));
  return line === undefined ? "" : line.slice(name.length + 1);
}

/** Exec form as is; shell form joined into one command string. */
export function handleJSONArgs(args: readonly string[], json: boolean): string[] {
  if (args.length === 0) return [];
  return json ? [...args] : [args.join(" ")];
}
