// Digests: validated before they ever become a path, computed while streaming.
import { nodeCrypto } from "../random.ts";
import { HoistError } from "../errors.ts";

/** A validated `sha256:<64 hex>` (or sha512) digest string. */
export type Digest = string & { readonly __digest: unique symbol };

const algorithms: Record<string, number> = { sha256: 64, sha512: 128 };
const grammar = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Parse a digest string; throws DIGEST_INVALID for anything but a well-formed sha256/sha512 digest. */
export function parseDigest(s: string): Digest {
  if (!isDigest(s)) {
    const alg = s.split(":")[0] ?? "";
    if (grammar.test(s) && !(alg in algorithms))
      throw new HoistError("DIGEST_INVALID", `unsupported digest algorithm: ${s}`);
    throw new HoistError("DIGEST_INVALID", `invalid digest: ${JSON.stringify(s)}`);
  }
  return s;
}

export function isDigest(s: unknown): s is Digest {
  if (typeof s !== "string") return false;
  const i = s.indexOf(":");
  if (i < 0) return false;
  const len = algorithms[s.slice(0, i)];
  const hex = s.slice(i + 1);
  return len !== undefined && hex.length === len && /^[a-f0-9]+$/.test(hex);
}

export function digestAlgorithm(d: Digest): string {
  return d.slice(0, d.indexOf(":"));
}

/** The hex part of a digest (safe as a file name: validated). */
export function digestHex(d: Digest): string {
  return d.slice(d.indexOf(":") + 1);
}

export function sha256(data: string | Uint8Array): Digest {
  return `sha256:${nodeCrypto().createHash("sha256").update(data).digest("hex")}` as Digest;
}

/** An incremental hasher that yields a Digest. */
export function hasher(algorithm = "sha256"): { update(chunk: Uint8Array): void; digest(): Digest } {
  const h = nodeCrypto().createHash(algorithm);
  return {
    update: (chunk) => void h.update(chunk),
    digest: () => `${algorithm}:${h.digest("hex")}` as Digest,
  };
}

/** Short image ID as docker prints it: 12 hex characters. */
export function shortId(d: string): string {
  const hex = d.includes(":") ? d.slice(d.indexOf(":") + 1) : d;
  return hex.slice(0, 12);
}

/** A time as Go's RFC 3339 (nano) JSON encoding writes it: fraction without trailing zeros. Configs carry
 * these, and tools that re-serialize a config (skopeo) would otherwise change its bytes and the image ID. */
export function goTimestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.(\d*?)0*Z$/, (_m, f: string) => (f ? `.${f}Z` : "Z"));
}
