// Repository names, tags and digests as the distribution spec defines them, checked before anything touches storage.
import { isDigest } from "../oci/index.ts";
import type { Digest } from "../oci/index.ts";
import { RegistryError } from "./errors.ts";

const component = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const nameGrammar = new RegExp(`^${component}(?:/${component})*$`);
const tagGrammar = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const digestShape = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Longest repository name accepted: clients limit host + "/" + name to 255 characters. */
export const maxNameLength = 255;

export function isRepositoryName(s: string): boolean {
  return s.length > 0 && s.length <= maxNameLength && nameGrammar.test(s);
}

export function isTag(s: string): boolean {
  return tagGrammar.test(s);
}

/** A reference in a manifest URL: a tag, or anything with a colon (which a tag cannot have), a digest. */
export function looksLikeDigest(s: string): boolean {
  return s.includes(":");
}

export function checkName(s: string): string {
  if (!isRepositoryName(s)) throw new RegistryError("NAME_INVALID", `invalid repository name: ${JSON.stringify(s)}`);
  return s;
}

export function checkTag(s: string): string {
  if (!isTag(s)) throw new RegistryError("TAG_INVALID", `invalid tag: ${JSON.stringify(s)}`);
  return s;
}

/** A sha256 or sha512 digest with lower-case hex of the right length; DIGEST_INVALID otherwise. */
export function checkDigest(s: string | null | undefined): Digest {
  if (s === null || s === undefined || s === "") throw new RegistryError("DIGEST_INVALID", "digest missing");
  if (isDigest(s)) return s;
  if (digestShape.test(s) && !/^sha(256|512):/.test(s))
    throw new RegistryError("DIGEST_INVALID", `unsupported digest algorithm: ${JSON.stringify(s)}`);
  throw new RegistryError("DIGEST_INVALID", `invalid digest: ${JSON.stringify(s)}`);
}

/** Tags sort bytewise (the spec allows bytewise or case-insensitive order). */
export function compareBytewise(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
