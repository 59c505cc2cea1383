// Reference errors: one class, a stable `kind` per failure, messages worded as docker prints them.
import { HoistError } from "../errors.ts";

/**
 * Why a reference was rejected. The comment after each kind names the Go error value
 * (distribution/reference or go-digest) whose message we reproduce.
 */
export type ReferenceErrorKind =
  | "invalid-format" // ErrReferenceInvalidFormat
  | "invalid-tag" // ErrTagInvalidFormat
  | "invalid-digest" // ErrDigestInvalidFormat
  | "name-uppercase" // ErrNameContainsUppercase (and the normalizer's variant naming the repository)
  | "name-empty" // ErrNameEmpty
  | "name-too-long" // ErrNameTooLong
  | "name-not-canonical" // ErrNameNotCanonical
  | "identifier-as-name" // ParseNormalizedNamed given a 64-hex image ID
  | "digest-format" // digest.ErrDigestInvalidFormat
  | "digest-length" // digest.ErrDigestInvalidLength
  | "digest-unsupported"; // digest.ErrDigestUnsupported

/** Maximum length of a repository path (the domain does not count). */
export const NAME_TOTAL_LENGTH_MAX = 255;

const messages: Record<ReferenceErrorKind, string> = {
  "invalid-format": "invalid reference format",
  "invalid-tag": "invalid tag format",
  "invalid-digest": "invalid digest format",
  "name-uppercase": "repository name must be lowercase",
  "name-empty": "repository name must have at least one component",
  "name-too-long": `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`,
  "name-not-canonical": "repository name must be canonical",
  "identifier-as-name": "invalid repository name, cannot specify 64-byte hexadecimal strings",
  "digest-format": "invalid checksum digest format",
  "digest-length": "invalid checksum digest length",
  "digest-unsupported": "unsupported digest algorithm",
};

/** A reference that does not parse. `code` is always INVALID_REFERENCE; `kind` says why. */
export class InvalidReferenceError extends HoistError {
  readonly kind: ReferenceErrorKind;
  constructor(kind: ReferenceErrorKind, message: string = messages[kind]) {
    super("INVALID_REFERENCE", message);
    this.name = "InvalidReferenceError";
    this.kind = kind;
  }
}

export function referenceError(kind: ReferenceErrorKind): InvalidReferenceError {
  return new InvalidReferenceError(kind);
}

export function isInvalidReference(e: unknown, kind?: ReferenceErrorKind): e is InvalidReferenceError {
  return e instanceof InvalidReferenceError && (kind === undefined || e.kind === kind);
}
