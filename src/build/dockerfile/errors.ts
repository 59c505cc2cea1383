// Errors of the Dockerfile front end: each carries the Dockerfile line range it is about.
import { HoistError } from "../../errors.ts";
import { goQuote } from "./go-text.ts";

export interface DockerfileErrorOptions {
  /** First 1-based Dockerfile line the error is about. */
  line: number;
  /** Last line (inclusive); defaults to `line`. */
  endLine?: number;
  cause?: unknown;
}

/**
 * A Dockerfile that cannot be parsed. `message` is BuildKit's text; `line`/`endLine` say where
 * (BuildKit keeps the location beside the message in the same way).
 */
export class DockerfileError extends HoistError {
  readonly line: number;
  readonly endLine: number;

  constructor(message: string, options: DockerfileErrorOptions) {
    super("INVALID_ARGUMENT", message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = "DockerfileError";
    this.line = options.line;
    this.endLine = Math.max(options.line, options.endLine ?? options.line);
  }
}

/** A failure of variable expansion (`${X?must be set}`, bad substitution, unterminated quote). */
export class ShellExpansionError extends HoistError {
  /** The word being processed. */
  readonly word: string;
  /** BuildKit's message without the `failed to process "word": ` prefix. */
  readonly reason: string;

  constructor(word: string, reason: string) {
    super("INVALID_ARGUMENT", `failed to process ${goQuote(word)}: ${reason}`);
    this.name = "ShellExpansionError";
    this.word = word;
    this.reason = reason;
  }
}
