// Docker's normalization: `ubuntu` means `docker.io/library/ubuntu`, `index.docker.io` means `docker.io`.
import { isValidDigest } from "./digest.ts";
import { InvalidReferenceError, referenceError } from "./errors.ts";
import { anchoredIdentifier } from "./grammar.ts";
import { parseReference } from "./parse.ts";
import { name, tagOrDefault, toString, withDigest, withName } from "./reference.ts";
import type { AnyReference, Reference } from "./reference.ts";

export const DEFAULT_DOMAIN = "docker.io";
export const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
export const OFFICIAL_REPO_PREFIX = "library/";

/** Split a familiar name into domain and the rest (path plus any tag/digest), adding docker.io/library. */
export function splitDockerDomain(s: string): { domain: string; remainder: string } {
  const slash = s.indexOf("/");
  if (slash < 0) return { domain: DEFAULT_DOMAIN, remainder: OFFICIAL_REPO_PREFIX + s };
  const first = s.slice(0, slash);
  let domain = first;
  let remainder = s.slice(slash + 1);
  if (first === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  else if (first !== "localhost" && !/[.:]/.test(first) && first.toLowerCase() === first) {
    domain = DEFAULT_DOMAIN;
    remainder = s;
  }
  if (domain === DEFAULT_DOMAIN && !remainder.includes("/")) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

/** What `docker pull s` refers to: normalized to a fully qualified name. Throws InvalidReferenceError. */
export function parseNormalizedNamed(s: string): Reference {
  if (anchoredIdentifier.test(s)) {
    const message = `invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`;
    throw new InvalidReferenceError("identifier-as-name", message);
  }
  const { domain, remainder } = splitDockerDomain(s);
  const colon = remainder.indexOf(":");
  const remote = colon < 0 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) {
    const message = `invalid reference format: repository name (${remote}) must be lowercase`;
    throw new InvalidReferenceError("name-uppercase", message);
  }
  return parseReference(`${domain}/${remainder}`);
}

/** Parse a name that must already be in canonical form (`docker.io/library/foo`, not `foo`). */
export function parseNamed(s: string): Reference {
  const ref = parseNormalizedNamed(s);
  if (toString(ref) !== s) throw referenceError("name-not-canonical");
  return ref;
}

/**
 * An image ID (64 hex), a digest (`sha256:…`), or a familiar name. IDs and digests become
 * digest-only references; a 63-hex string is a name.
 */
export function parseAnyReference(s: string): AnyReference {
  if (anchoredIdentifier.test(s)) return Object.freeze({ digest: `sha256:${s}` });
  if (isValidDigest(s)) return Object.freeze({ digest: s });
  return parseNormalizedNamed(s);
}

/**
 * Normalize and make the reference point at one thing: `latest` when neither tag nor digest is
 * given, and the digest alone when both are (the tag is dropped).
 */
export function parseDockerRef(s: string): Reference {
  const ref = parseNormalizedNamed(s);
  if (ref.tag !== undefined && ref.digest !== undefined) {
    return withDigest(withName(name(ref)), ref.digest);
  }
  return tagOrDefault(ref);
}
