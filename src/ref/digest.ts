// Digest checks as go-digest's Parse does them, so errors come out in the same order.
import { referenceError } from "./errors.ts";

/** Algorithms a reference may name, with their hex length. */
const hexLength: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

// go-digest's own (looser) digest syntax, used only to tell "unsupported" from "malformed".
const looseDigest = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Throws InvalidReferenceError (digest-format, digest-length or digest-unsupported) unless `s` is a usable digest. */
export function validateDigest(s: string): string {
  const colon = s.indexOf(":");
  if (colon <= 0 || colon === s.length - 1) throw referenceError("digest-format");
  const expected = Object.hasOwn(hexLength, s.slice(0, colon)) ? hexLength[s.slice(0, colon)] : undefined;
  if (expected === undefined) throw referenceError(looseDigest.test(s) ? "digest-unsupported" : "digest-format");
  const hex = s.slice(colon + 1);
  if (hex.length !== expected) throw referenceError("digest-length");
  if (!/^[a-f0-9]+$/.test(hex)) throw referenceError("digest-format");
  return s;
}

export function isValidDigest(s: string): boolean {
  try {
    validateDigest(s);
    return true;
  } catch {
    return false;
  }
}
