// Compression: detect gzip/zstd from magic bytes, decompress and compress as streams.
import { Duplex, PassThrough, Readable } from "node:stream";
import type { Transform } from "node:stream";
import zlib from "node:zlib";
import { HoistError } from "../errors.ts";
import type { Compression } from "../oci/media-types.ts";
import { zstdFrames } from "./zstd.ts";

/** What the magic bytes say; bzip2 and xz are recognised only to be refused with a clear error. */
export type DetectedCompression = Compression | "bzip2" | "xz";

const CHUNK = 1 << 16;
const HIGH_WATER = 1 << 20;

/** The compression of a stream from its first bytes (at least 6 for xz; fewer simply means "none"). */
export function detectCompression(head: Uint8Array): DetectedCompression {
  const b = (i: number) => head[i] ?? -1;
  if (b(0) === 0x1f && b(1) === 0x8b) return "gzip";
  if (b(0) === 0x28 && b(1) === 0xb5 && b(2) === 0x2f && b(3) === 0xfd) return "zstd";
  // A zstd stream may start with a skippable frame: 0x184D2A50..5F little-endian.
  if ((b(0) & 0xf0) === 0x50 && b(1) === 0x2a && b(2) === 0x4d && b(3) === 0x18) return "zstd";
  if (b(0) === 0x42 && b(1) === 0x5a && b(2) === 0x68) return "bzip2";
  if (b(0) === 0xfd && b(1) === 0x37 && b(2) === 0x7a && b(3) === 0x58 && b(4) === 0x5a && b(5) === 0x00) return "xz";
  return "none";
}

/** Read at least `n` bytes (fewer only at end of stream) and put them back, so the stream is unchanged. */
export async function peek(input: Readable, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  while (have < n) {
    const chunk = input.read() as Buffer | null;
    if (chunk !== null) {
      parts.push(chunk);
      have += chunk.length;
      continue;
    }
    if (input.readableEnded || input.destroyed) break;
    const more = await new Promise<boolean>((resolve, reject) => {
      const cleanup = () => {
        input.off("readable", onReadable);
        input.off("end", onEnd);
        input.off("error", onError);
        input.off("close", onEnd);
      };
      const onReadable = () => (cleanup(), resolve(true));
      const onEnd = () => (cleanup(), resolve(false));
      const onError = (e: unknown) => (cleanup(), reject(e));
      input.on("readable", onReadable);
      input.on("end", onEnd);
      input.on("error", onError);
      input.on("close", onEnd);
    });
    if (!more) break;
  }
  const head = Buffer.concat(parts);
  if (head.length > 0) input.unshift(head);
  return head;
}

/** A decompressing transform for a compression ("none" gives a pass-through); zstd decodes every frame. */
export function decompressor(compression: Compression): Duplex {
  if (compression === "gzip") return zlib.createGunzip({ chunkSize: CHUNK });
  if (compression === "zstd") return Duplex.from(zstdFrames);
  return new PassThrough({ highWaterMark: HIGH_WATER });
}

export interface CompressOptions {
  /** gzip 1-9 (default 6), zstd 1-19 (default 3). */
  level?: number;
}

/** A compressing transform for a compression ("none" gives a pass-through). */
export function compressor(compression: Compression, options: CompressOptions = {}): Transform {
  if (compression === "gzip") return zlib.createGzip({ chunkSize: CHUNK, level: options.level ?? 6 });
  if (compression === "zstd") {
    const params = { [zlib.constants.ZSTD_c_compressionLevel]: options.level ?? 3 };
    return zlib.createZstdCompress({ chunkSize: CHUNK, params });
  }
  return new PassThrough({ highWaterMark: HIGH_WATER });
}

/** Detect the compression of `input` and return it with the plain stream; corrupt or truncated data fails as BAD_ARCHIVE. */
export async function decompress(input: Readable): Promise<{ compression: Compression; stream: Readable }> {
  const detected = detectCompression(await peek(input, 6));
  if (detected === "bzip2" || detected === "xz") {
    input.destroy();
    throw new HoistError("UNSUPPORTED", `${detected}-compressed content is not supported (use gzip or zstd)`);
  }
  if (detected === "none") return { compression: "none", stream: input };
  if (detected === "zstd") {
    return {
      compression: "zstd",
      stream: Readable.from(zstdFrames(input), { objectMode: false, highWaterMark: HIGH_WATER }),
    };
  }
  return { compression: detected, stream: chain(input, decompressor(detected), detected) };
}

/** Compress `input`; "none" returns it as it is. */
export function compress(input: Readable, compression: Compression, options: CompressOptions = {}): Readable {
  if (compression === "none") return input;
  return chain(input, compressor(compression, options), compression);
}

/** input → transform → a pass-through the caller reads; errors reach the caller, codec errors as BAD_ARCHIVE. */
function chain(input: Readable, transform: Duplex, what: string): Readable {
  const out = new PassThrough({ highWaterMark: HIGH_WATER });
  input.on("error", (e) => out.destroy(e));
  transform.on("error", (e) => out.destroy(codecError(e, what)));
  out.on("close", () => {
    if (!out.readableEnded) {
      input.destroy();
      transform.destroy();
    }
  });
  input.pipe(transform).pipe(out);
  return out;
}

function codecError(e: Error, what: string): Error {
  if (e instanceof HoistError) return e;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && (code.startsWith("Z_") || code.startsWith("ZSTD_") || code.startsWith("ERR_ZSTD"))) {
    return new HoistError("BAD_ARCHIVE", `corrupt or truncated ${what} data: ${e.message}`, { cause: e });
  }
  return e;
}
