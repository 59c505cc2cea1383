// One error root with stable codes. Only cli/ turns these into messages and exit codes.

export type ErrorCode =
  | "INVALID_ARGUMENT"
  | "INVALID_REFERENCE"
  | "NOT_FOUND"
  | "CONFLICT"
  | "DIGEST_INVALID"
  | "SIZE_INVALID"
  | "BAD_ARCHIVE"
  | "UNSAFE_PATH"
  | "BUDGET_EXCEEDED"
  | "UNSUPPORTED"
  | "LOCKED"
  | "CORRUPT"
  | "IO"
  | "UNAUTHORIZED"
  | "DENIED"
  | "REGISTRY"
  | "RUNTIME"
  | "INTERNAL";

export interface HoistErrorOptions {
  cause?: unknown;
  /** Exit code the CLI should use; docker uses 1 for most errors, 125 for usage errors. */
  exitCode?: number;
}

export class HoistError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options: HoistErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HoistError";
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** `Error: No such image: x` and friends. */
export class NotFoundError extends HoistError {
  readonly kind: string;
  readonly what: string;
  constructor(
    kind: "image" | "container" | "object" | "layer" | "blob" | "manifest" | "network" | "volume",
    what: string,
  ) {
    super("NOT_FOUND", `No such ${kind}: ${what}`);
    this.name = "NotFoundError";
    this.kind = kind;
    this.what = what;
  }
}

/** Usage mistakes: unknown flag, missing argument. Exit 125 as docker does. */
export class UsageError extends HoistError {
  readonly command: string;
  constructor(message: string, command = "") {
    super("INVALID_ARGUMENT", message, { exitCode: 125 });
    this.name = "UsageError";
    this.command = command;
  }
}

export function isHoistError(e: unknown, code?: ErrorCode): e is HoistError {
  return e instanceof HoistError && (code === undefined || e.code === code);
}

/** The errno code of a Node system error, if any. */
export function errnoCode(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e && typeof e.code === "string" ? e.code : undefined;
}
