// Strict parsing (Go's reference.Parse): no defaults, no docker.io normalization.
import { validateDigest } from "./digest.ts";
import { NAME_TOTAL_LENGTH_MAX, referenceError } from "./errors.ts";
import { referenceRegexp } from "./grammar.ts";
import { makeReference, splitDomain } from "./reference.ts";
import type { Reference } from "./reference.ts";

/**
 * Parse `name[:tag][@digest]` exactly as written. `a/b` keeps `a` as its domain; use
 * `parseNormalizedNamed` for what `docker pull` means. Throws InvalidReferenceError.
 */
export function parseReference(s: string): Reference {
  if (s === "") throw referenceError("name-empty");
  const m = referenceRegexp.exec(s);
  if (!m) {
    const lower = s.toLowerCase();
    throw referenceError(lower !== s && referenceRegexp.test(lower) ? "name-uppercase" : "invalid-format");
  }
  const { domain, path } = splitDomain(m[1] ?? "");
  if (path.length > NAME_TOTAL_LENGTH_MAX) throw referenceError("name-too-long");
  const digest = m[3] === undefined ? undefined : validateDigest(m[3]);
  return makeReference(domain, path, m[2], digest);
}
