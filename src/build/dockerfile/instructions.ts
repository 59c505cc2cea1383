// AST node → typed instruction, with BuildKit's argument checks and error messages
// (frontend/dockerfile/instructions/parse.go). Errors read "dockerfile parse error on line N: ...".
import { DockerfileError } from "./errors.ts";
import { FlagError, parseFlags, type FlagKind, type Flags } from "./flags.ts";
import { trimSpace } from "./go-text.ts";
import { commandInstruction } from "./instruction-commands.ts";
import { InstructionSyntaxError, type Request } from "./instruction-request.ts";
import type { Instruction } from "./instruction-types.ts";
import { MountError } from "./run-mount.ts";
import type { Node } from "./parser.ts";

/** Every instruction keyword, upper case. */
export const instructionNames = [
  "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
  "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
]; // prettier-ignore

/** The arguments of a node; ONBUILD's are the wrapped keyword followed by its arguments. */
export function nodeArgs(node: Node): string[] {
  return node.sub === undefined ? [...node.args] : [node.sub.keyword, ...nodeArgs(node.sub)];
}

function request(node: Node): Request {
  return {
    node,
    args: nodeArgs(node),
    base: {
      keyword: node.keyword,
      original: trimSpace(node.original),
      location: { startLine: node.startLine, endLine: node.endLine },
    },
    flags: (accepted: Readonly<Record<string, FlagKind>>): Flags => parseFlags(node.flags, accepted),
  };
}

/** Convert one AST node; throws DockerfileError for bad arguments, bad flags and unknown instructions. */
export function parseInstruction(node: Node): Instruction {
  try {
    const inst = commandInstruction(node.name, request(node));
    if (inst === undefined) throw new InstructionSyntaxError(unknownInstruction(node.keyword));
    return inst;
  } catch (e) {
    if (e instanceof InstructionSyntaxError || e instanceof FlagError || e instanceof MountError) {
      throw new DockerfileError(`dockerfile parse error on line ${node.startLine}: ${e.message}`, {
        line: node.startLine,
        endLine: node.endLine,
        cause: e,
      });
    }
    throw e;
  }
}

function unknownInstruction(keyword: string): string {
  const suggestion = suggest(keyword, instructionNames);
  return `unknown instruction: ${keyword}${suggestion === undefined ? "" : ` (did you mean ${suggestion}?)`}`;
}

/** The closest known name, when it is close enough to be a typo. */
export function suggest(value: string, options: readonly string[]): string | undefined {
  if (value === "") return undefined;
  const v = value.toLowerCase();
  const limit = Math.max(1, Math.min(2, Math.floor(v.length / 2)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const option of options) {
    const d = levenshtein(v, option.toLowerCase());
    if (d < bestDistance) {
      best = option;
      bestDistance = d;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
