// The Dockerfile front end: parse (text → AST), instructions (AST → typed), stages, and shell-word expansion.
export { parse, dump, dumpNode, type Node, type ParseResult, type Warning } from "./parser.ts";
export type { Directive } from "./directives.ts";
export { chompHeredocContent, heredocsFromLine, parseHeredocWord, type Heredoc } from "./heredoc.ts";
export { parseWords } from "./line-parsers.ts";
export { parseInstruction, nodeArgs, instructionNames } from "./instructions.ts";
export type * from "./instruction-types.ts";
export {
  splitStages,
  parseDockerfile,
  targetStage,
  findStage,
  stageReference,
  type Stage,
  type Dockerfile,
} from "./stages.ts";
export { expandCommand, expandFrom, type Expansion } from "./expand.ts";
export { parseMount, MountError, type Mount, type MountType, type CacheSharing } from "./run-mount.ts";
export { parseDuration } from "./duration.ts";
export {
  processWord,
  processWords,
  processWordWithMatches,
  envLookup,
  type Env,
  type EscapeToken,
  type ExpansionResult,
  type LexOptions,
} from "./shell-lex.ts";
export { DockerfileError, ShellExpansionError } from "./errors.ts";
