// Randomness and hashing without loading node:crypto up front: the module costs about 5 ms to load, and most
// commands (ps, images, run) need only a few random bytes, which /dev/urandom gives for a read.
import { closeSync, openSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import type * as NodeCrypto from "node:crypto";

let crypto: typeof NodeCrypto | undefined;

/** node:crypto, loaded on first use. */
export function nodeCrypto(): typeof NodeCrypto {
  crypto ??= createRequire(import.meta.url)("node:crypto") as typeof NodeCrypto;
  return crypto;
}

/** `n` random bytes from the kernel. */
export function randomBytes(n: number): Buffer {
  const buf = Buffer.alloc(n);
  const fd = openSync("/dev/urandom", "r");
  try {
    for (let off = 0; off < n;) off += readSync(fd, buf, off, n - off, null);
  } finally {
    closeSync(fd);
  }
  return buf;
}

/** `n` random bytes as lower-case hex (IDs, temporary names). */
export function randomHex(n: number): string {
  return randomBytes(n).toString("hex");
}

/** A uniformly random integer in [0, max), max ≤ 2^32. */
export function randomInt(max: number): number {
  const limit = 2 ** 32 - (2 ** 32 % max); // reject the top values that would bias the result
  for (;;) {
    const v = randomBytes(4).readUInt32LE(0);
    if (v < limit) return v % max;
  }
}
