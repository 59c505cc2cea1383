// Splitting typed instructions into build stages: ARGs before the first FROM are meta args, each FROM
// starts a stage, and `--target` / `--from` find a stage by name or index.
import { HoistError } from "../../errors.ts";
import { DockerfileError } from "./errors.ts";
import { goQuote } from "./go-text.ts";
import type { ArgInstruction, Command, FromInstruction, Location } from "./instruction-types.ts";
import { parseInstruction } from "./instructions.ts";
import { parse, type ParseResult } from "./parser.ts";

export interface Stage {
  /** Position in the Dockerfile, from 0. */
  readonly index: number;
  /** Lower-case `AS` name, "" when unnamed. */
  readonly name: string;
  readonly from: FromInstruction;
  readonly commands: readonly Command[];
  readonly location: Location;
}

export interface Dockerfile extends Pick<ParseResult, "escapeToken" | "directives" | "warnings"> {
  /** ARG instructions before the first FROM. */
  readonly metaArgs: readonly ArgInstruction[];
  readonly stages: readonly Stage[];
}

/** Typed stages of a parsed Dockerfile; throws DockerfileError for any bad instruction. */
export function splitStages(result: ParseResult): Dockerfile {
  const metaArgs: ArgInstruction[] = [];
  const stages: { index: number; name: string; from: FromInstruction; commands: Command[]; location: Location }[] = [];
  for (const node of result.instructions) {
    const inst = parseInstruction(node);
    const current = stages.at(-1);
    if (inst.kind === "from") {
      const name = inst.stageName;
      if (name !== "" && stages.some((s) => s.name === name)) {
        throw new DockerfileError(`duplicate stage name ${goQuote(name)}`, {
          line: node.startLine,
          endLine: node.endLine,
        });
      }
      stages.push({ index: stages.length, name, from: inst, commands: [], location: inst.location });
    } else if (current !== undefined) current.commands.push(inst);
    else if (inst.kind === "arg") metaArgs.push(inst);
    else {
      throw new DockerfileError("no build stage in current context", { line: node.startLine, endLine: node.endLine });
    }
  }
  if (stages.length === 0) {
    throw new DockerfileError("dockerfile contains no stages to build", { line: result.endLine });
  }
  const { escapeToken, directives, warnings } = result;
  return { escapeToken, directives, warnings, metaArgs, stages };
}

/** Parse Dockerfile text all the way to typed stages. */
export function parseDockerfile(input: string | Uint8Array): Dockerfile {
  return splitStages(parse(input));
}

/** The stage `--target` names (case-insensitive); the last stage when target is "". */
export function targetStage(dockerfile: Pick<Dockerfile, "stages">, target = ""): Stage {
  const stage = target === "" ? dockerfile.stages.at(-1) : findStage(dockerfile.stages, target);
  if (stage === undefined) throw new HoistError("NOT_FOUND", `target stage ${goQuote(target)} could not be found`);
  return stage;
}

/** A stage by name (case-insensitive). */
export function findStage(stages: readonly Stage[], name: string): Stage | undefined {
  const lower = name.toLowerCase();
  return lower === "" ? undefined : stages.find((s) => s.name === lower);
}

/**
 * What `FROM x` or `COPY --from=x` in stage `before` refers to: an earlier stage by name or index,
 * or undefined when `ref` names an image (or a named context).
 */
export function stageReference(stages: readonly Stage[], ref: string, before: number): Stage | undefined {
  const byName = findStage(stages, ref);
  if (byName !== undefined) return byName.index < before ? byName : undefined;
  if (!/^[0-9]+$/.test(ref)) return undefined;
  const index = Number.parseInt(ref, 10);
  return index < before ? stages[index] : undefined;
}
