// Familiar forms, the reverse of normalization: `docker.io/library/redis` is shown as `redis`.
import { DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX } from "./normalize.ts";
import { pathMatch } from "./path-match.ts";
import { isNamed, makeReference, name, toString } from "./reference.ts";
import type { AnyReference, Reference } from "./reference.ts";

/** Drop a `docker.io` domain, and `library/` when what remains is a single component. */
export function familiarize(ref: Reference): Reference {
  if (ref.domain !== DEFAULT_DOMAIN) return ref;
  let path = ref.path;
  if (path.startsWith(OFFICIAL_REPO_PREFIX) && !path.slice(OFFICIAL_REPO_PREFIX.length).includes("/")) {
    path = path.slice(OFFICIAL_REPO_PREFIX.length);
  }
  return makeReference("", path, ref.tag, ref.digest);
}

/** The name as docker shows it, without tag or digest: `redis`, `dmcgowan/myapp`, `gcr.io/x/y`. */
export function familiarName(ref: Reference): string {
  return name(familiarize(ref));
}

/** The full reference as docker shows it: `redis:7`, `busybox@sha256:…`; a digest-only reference as is. */
export function familiarString(ref: AnyReference): string {
  return isNamed(ref) ? toString(familiarize(ref)) : toString(ref);
}

/**
 * `docker images --filter reference=PATTERN`: match the familiar string, then (for a named
 * reference) the familiar name. Throws INVALID_ARGUMENT for a malformed pattern.
 */
export function familiarMatch(pattern: string, ref: AnyReference): boolean {
  if (pathMatch(pattern, familiarString(ref))) return true;
  return isNamed(ref) && pathMatch(pattern, familiarName(ref));
}
