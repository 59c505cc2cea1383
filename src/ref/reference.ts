// The Reference value and the small functions that build and print it.
import { NAME_TOTAL_LENGTH_MAX, referenceError } from "./errors.ts";
import { anchoredDigest, anchoredName, anchoredTag } from "./grammar.ts";

/** A named image reference: `domain/path[:tag][@digest]`. `domain` is "" when there is none. */
/** The tag `tagOrDefault` adds. */
export const DEFAULT_TAG = "latest";

export interface Reference {
  readonly domain: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** A reference that is only a digest (`sha256:…`), as `parseAnyReference` returns for image IDs. */
export interface DigestReference {
  readonly digest: string;
}

export type AnyReference = Reference | DigestReference;

export function isNamed(ref: AnyReference): ref is Reference {
  return "path" in ref;
}

/** Build a frozen Reference, leaving out absent parts (so deep equality is stable). */
export function makeReference(domain: string, path: string, tag?: string, digest?: string): Reference {
  const ref: { domain: string; path: string; tag?: string; digest?: string } = { domain, path };
  if (tag !== undefined && tag !== "") ref.tag = tag;
  if (digest !== undefined && digest !== "") ref.digest = digest;
  return Object.freeze(ref);
}

/** The repository name: `domain/path`, or just `path` when there is no domain. */
export function name(ref: Reference): string {
  return ref.domain === "" ? ref.path : `${ref.domain}/${ref.path}`;
}

/** The full string form, `name[:tag][@digest]`, or the digest alone for a digest-only reference. */
export function toString(ref: AnyReference): string {
  if (!isNamed(ref)) return ref.digest;
  let s = name(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** Split a repository name into domain and path the way the grammar does (`a/b/c` → `a`, `b/c`). */
export function splitDomain(repoName: string): { domain: string; path: string } {
  const m = anchoredName.exec(repoName);
  if (!m) return { domain: "", path: repoName };
  return { domain: m[1] ?? "", path: m[2] ?? "" };
}

/** A name-only reference; no tag or digest allowed (Go's WithName). */
export function withName(repoName: string): Reference {
  const m = anchoredName.exec(repoName);
  if (!m) throw referenceError("invalid-format");
  const path = m[2] ?? "";
  if (path.length > NAME_TOTAL_LENGTH_MAX) throw referenceError("name-too-long");
  return makeReference(m[1] ?? "", path);
}

/** Replace the tag, keeping any digest. Throws invalid-tag for a malformed tag. */
export function withTag(ref: Reference, tag: string): Reference {
  if (!anchoredTag.test(tag)) throw referenceError("invalid-tag");
  return makeReference(ref.domain, ref.path, tag, ref.digest);
}

/** Replace the digest, keeping any tag. Checks digest syntax only, not the algorithm's length. */
export function withDigest(ref: Reference, digest: string): Reference {
  if (!anchoredDigest.test(digest)) throw referenceError("invalid-digest");
  return makeReference(ref.domain, ref.path, ref.tag, digest);
}

/** The reference without tag or digest. */
export function trimNamed(ref: Reference): Reference {
  return makeReference(ref.domain, ref.path);
}

export function isNameOnly(ref: AnyReference): boolean {
  return isNamed(ref) && ref.tag === undefined && ref.digest === undefined;
}

/** Add the tag `latest` when there is neither tag nor digest (Go's TagNameOnly). */
export function tagOrDefault(ref: Reference, defaultTag = DEFAULT_TAG): Reference {
  return isNameOnly(ref) ? withTag(ref, defaultTag) : ref;
}
