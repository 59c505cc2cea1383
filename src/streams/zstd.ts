// zstd decompression of every frame. Node's decoder stops after the first frame and drops the rest, but
// a zstd stream may hold many (zstd:chunked layers, pzstd, concatenated files) and skippable frames.
// So the frames are found here from their headers (RFC 8878), and each is decoded on its own.
import { Readable } from "node:stream";
import zlib from "node:zlib";
import { HoistError } from "../errors.ts";
import { ByteSource } from "./tar/source.ts";

const CHUNK = 1 << 16;

/** The decompressed content of every frame of a zstd stream. */
export async function* zstdFrames(input: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const src = new ByteSource(input);
  try {
    for (let magic = await src.exact(4); magic !== null; magic = await src.exact(4)) {
      if (magic.length < 4) throw truncated();
      const m = magic.readUInt32LE(0);
      if ((m & 0xfffffff0) === 0x184d2a50) {
        await skipFrame(src);
        continue;
      }
      if (m !== 0xfd2fb528)
        throw new HoistError("BAD_ARCHIVE", `corrupt zstd data: no frame at offset ${src.offset - 4}`);
      yield* decodeFrame(src, Buffer.from(magic));
    }
  } catch (e) {
    throw codecError(e);
  } finally {
    await src.close();
  }
}

/** Feed one frame (and nothing more) to a fresh decoder and yield what it produces. */
async function* decodeFrame(src: ByteSource, magic: Buffer): AsyncGenerator<Buffer> {
  const decoder = zlib.createZstdDecompress({ chunkSize: CHUNK });
  const feed = Readable.from(frameBytes(src, magic), { objectMode: false });
  feed.on("error", (e) => decoder.destroy(e)).pipe(decoder);
  try {
    yield* decoder as AsyncIterable<Buffer>;
    // The decoder ends once its input has; ending before means it stopped inside the frame.
    if (!feed.readableEnded) throw new HoistError("BAD_ARCHIVE", "corrupt zstd data: a frame ended early");
  } finally {
    feed.destroy();
    decoder.destroy();
  }
}

async function skipFrame(src: ByteSource): Promise<void> {
  const size = await need(src, 4);
  const n = size.readUInt32LE(0);
  if ((await src.skip(n)) < n) throw truncated();
}

/** One frame's bytes, from its magic number to its checksum, found by walking the block headers. */
async function* frameBytes(src: ByteSource, magic: Buffer): AsyncGenerator<Buffer> {
  const descriptor = await need(src, 1);
  const fhd = descriptor[0] as number;
  const singleSegment = (fhd >> 5) & 1;
  const fcsSize = [singleSegment, 2, 4, 8][fhd >> 6] as number;
  const didSize = [0, 1, 2, 4][fhd & 3] as number;
  const checksum = (fhd >> 2) & 1;
  const rest = (singleSegment ? 0 : 1) + didSize + fcsSize;
  yield Buffer.concat([magic, descriptor, rest > 0 ? await need(src, rest) : Buffer.alloc(0)]);
  for (let last = false; !last;) {
    const header = await need(src, 3);
    yield Buffer.from(header);
    const h = header.readUIntLE(0, 3);
    last = (h & 1) === 1;
    const type = (h >> 1) & 3;
    if (type === 3) throw new HoistError("BAD_ARCHIVE", "corrupt zstd data: reserved block type");
    for (let left = type === 1 ? 1 : h >> 3; left > 0;) {
      const piece = await src.upTo(left);
      if (piece === null) throw truncated();
      left -= piece.length;
      yield piece;
    }
  }
  if (checksum) yield Buffer.from(await need(src, 4));
}

async function need(src: ByteSource, n: number): Promise<Buffer> {
  const b = await src.exact(n);
  if (b === null || b.length < n) throw truncated();
  return b;
}

function truncated(): HoistError {
  return new HoistError("BAD_ARCHIVE", "corrupt or truncated zstd data: the stream ends inside a frame");
}

function codecError(e: unknown): unknown {
  if (e instanceof HoistError || !(e instanceof Error)) return e;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && (code.startsWith("ZSTD_") || code.startsWith("ERR_ZSTD") || code.startsWith("Z_"))) {
    return new HoistError("BAD_ARCHIVE", `corrupt zstd data: ${e.message}`, { cause: e });
  }
  return e;
}
