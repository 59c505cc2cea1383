// Pass-through transforms that hash, count, verify and bound a byte stream while it flows.
import { Transform } from "node:stream";
import type { TransformCallback } from "node:stream";
import { HoistError } from "../errors.ts";
import type { ErrorCode } from "../errors.ts";
import { hasher } from "../oci/digest.ts";
import type { Digest } from "../oci/digest.ts";

/** A pass-through that hashes and counts what flows through it; `digest()` is valid once the stream has ended. */
export class Digester extends Transform {
  #hash: ReturnType<typeof hasher>;
  #digest: Digest | undefined;
  /** Bytes seen so far. */
  bytes = 0;

  constructor(algorithm = "sha256") {
    super({ highWaterMark: 1 << 20 });
    this.#hash = hasher(algorithm);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.#hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.#digest = this.#hash.digest();
    done();
  }

  /** The digest of everything that passed; throws if the stream has not ended yet. */
  digest(): Digest {
    if (this.#digest === undefined) throw new HoistError("INTERNAL", "digest read before the stream ended");
    return this.#digest;
  }
}

/** A pass-through that hashes (sha256 by default) and counts bytes. */
export function digesting(algorithm = "sha256"): Digester {
  return new Digester(algorithm);
}

/**
 * A pass-through that fails at the end of the stream when the content does not hash to `expected`
 * (DIGEST_INVALID), and as soon as it is longer, or at the end when shorter, than `expectedSize` (SIZE_INVALID).
 */
export function verifyDigest(expected: Digest, expectedSize?: number): Transform {
  const algorithm = expected.slice(0, expected.indexOf(":"));
  const h = hasher(algorithm);
  let bytes = 0;
  return new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (expectedSize !== undefined && bytes > expectedSize) {
        done(
          new HoistError("SIZE_INVALID", `content of ${expected} is larger than the expected ${expectedSize} bytes`),
        );
        return;
      }
      h.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      if (expectedSize !== undefined && bytes !== expectedSize) {
        done(new HoistError("SIZE_INVALID", `content of ${expected} has ${bytes} bytes, expected ${expectedSize}`));
        return;
      }
      const actual = h.digest();
      done(
        actual === expected
          ? null
          : new HoistError("DIGEST_INVALID", `digest mismatch: expected ${expected}, got ${actual}`),
      );
    },
  });
}

export interface LimitOptions {
  /** Error code when the limit is crossed; BUDGET_EXCEEDED unless told. */
  code?: ErrorCode;
  /** What is being read, for the message. */
  what?: string;
}

/** A pass-through that fails as soon as more than `max` bytes have flowed. */
export function limitSize(max: number, options: LimitOptions = {}): Transform {
  let bytes = 0;
  return new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > max) {
        const what = options.what ?? "stream";
        done(new HoistError(options.code ?? "BUDGET_EXCEEDED", `${what} exceeds the limit of ${max} bytes`));
        return;
      }
      done(null, chunk);
    },
  });
}
