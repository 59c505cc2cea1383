// Build errors name the Dockerfile line and the instruction: `Dockerfile:7: RUN make: <what went wrong>`.
import { HoistError, type ErrorCode } from "../errors.ts";
import type { Location } from "./dockerfile/index.ts";

export class BuildStepError extends HoistError {
  readonly file: string;
  readonly line: number;
  readonly endLine: number;
  readonly instruction: string;

  constructor(file: string, location: Location, instruction: string, cause: unknown) {
    const code: ErrorCode = cause instanceof HoistError ? cause.code : "INTERNAL";
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(code, `${file}:${location.startLine}: ${firstLine(instruction)}: ${reason}`, { cause });
    this.name = "BuildStepError";
    this.file = file;
    this.line = location.startLine;
    this.endLine = location.endLine;
    this.instruction = instruction;
  }
}

/** A RUN whose process exited non-zero. */
export class RunFailedError extends HoistError {
  /** The process's exit status. */
  readonly status: number;
  constructor(command: readonly string[], code: number) {
    super("RUNTIME", `The command '${command.join(" ")}' returned a non-zero code: ${code}`);
    this.name = "RunFailedError";
    this.status = code;
  }
}

export function firstLine(s: string): string {
  const line = s.split("\n")[0] ?? "";
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
