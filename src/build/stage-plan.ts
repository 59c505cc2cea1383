// Which stages a target needs: its base stage (FROM another stage), the stages it copies or mounts from, and
// those of ONBUILD triggers it inherits from a base stage; transitively. Only those are built, in order.
import {
  expandFrom,
  findStage,
  parse,
  parseInstruction,
  parseMount,
  stageReference,
  type Command,
  type Dockerfile,
  type Stage,
} from "./dockerfile/index.ts";

/** The stage a FROM names (after meta args), if it is an earlier stage. */
export function baseStage(df: Dockerfile, stage: Stage, meta: ReadonlyMap<string, string>): Stage | undefined {
  const name = expandFrom(stage.from, meta, df.escapeToken).value.baseName;
  const ref = findStage(df.stages, name);
  return ref !== undefined && ref.index < stage.index ? ref : undefined;
}

/** Parse ONBUILD trigger expressions into commands (placed at `location`). */
export function triggerCommands(expressions: readonly string[], at: Stage["location"]): Command[] {
  return expressions.map((text) => {
    const result = parse(text);
    const node = result.instructions[0];
    if (result.instructions.length !== 1 || node === undefined)
      throw new Error("onbuild trigger should be a single expression");
    const moved = { ...node, startLine: at.startLine, endLine: at.endLine };
    const inst = parseInstruction(moved);
    if (inst.kind === "from") throw new Error("FROM isn't allowed as an ONBUILD trigger");
    return { ...inst, location: at };
  });
}

function referencedStages(df: Dockerfile, stage: Stage, commands: readonly Command[]): Stage[] {
  const out: Stage[] = [];
  for (const cmd of commands) {
    if (cmd.kind === "copy" && cmd.from !== "") {
      const ref = stageReference(df.stages, cmd.from, stage.index);
      if (ref) out.push(ref);
    }
    if (cmd.kind === "run") {
      for (const spec of cmd.mounts) {
        let from = "";
        try {
          from = parseMount(spec).from;
        } catch {
          /* reported when the step runs */
        }
        const ref = from === "" ? undefined : stageReference(df.stages, from, stage.index);
        if (ref) out.push(ref);
      }
    }
  }
  return out;
}

/** The stages `target` needs, itself included, in Dockerfile order. */
export function neededStages(df: Dockerfile, target: Stage, meta: ReadonlyMap<string, string>): Stage[] {
  const seen = new Set<number>();
  const visit = (stage: Stage): void => {
    if (seen.has(stage.index)) return;
    seen.add(stage.index);
    const base = baseStage(df, stage, meta);
    const deps = referencedStages(df, stage, stage.commands);
    if (base) {
      deps.push(base);
      const triggers = base.commands.flatMap((c) => (c.kind === "onbuild" ? [c.expression] : []));
      try {
        deps.push(...referencedStages(df, stage, triggerCommands(triggers, stage.location)));
      } catch {
        /* a bad trigger fails when the stage is built */
      }
    }
    deps.forEach(visit);
  };
  visit(target);
  return df.stages.filter((s) => seen.has(s.index));
}
