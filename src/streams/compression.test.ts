import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { Readable } from "node:stream";
import { test } from "node:test";
import zlib from "node:zlib";
import { isHoistError } from "../errors.ts";
import { compress, decompress, decompressor, detectCompression, peek } from "./compression.ts";
import { chunked, collect } from "./test-helpers.ts";

const plain = Buffer.from("layer data ".repeat(50_000));

test("detectCompression recognises gzip, zstd, bzip2, xz and plain data by magic bytes", () => {
  assert.equal(detectCompression(zlib.gzipSync(plain)), "gzip");
  assert.equal(detectCompression(zlib.zstdCompressSync(plain)), "zstd");
  assert.equal(detectCompression(Buffer.from([0x5e, 0x2a, 0x4d, 0x18, 0, 0, 0, 0])), "zstd");
  assert.equal(detectCompression(Buffer.from("BZh91AY")), "bzip2");
  assert.equal(detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])), "xz");
  assert.equal(detectCompression(plain), "none");
  assert.equal(detectCompression(Buffer.alloc(0)), "none");
  assert.equal(detectCompression(Buffer.from([0x1f])), "none");
});

for (const c of ["gzip", "zstd", "none"] as const) {
  test(`compress then decompress round-trips with ${c}, detected from one-byte chunks at the start`, async () => {
    const packed = await collect(compress(Readable.from([plain], { objectMode: false }), c));
    if (c !== "none") assert.ok(packed.length < plain.length / 10);
    // Tiny chunks first, so detection has to gather bytes across chunks.
    const input = Readable.from([...[...packed.subarray(0, 8)].map((b) => Buffer.from([b])), packed.subarray(8)], {
      objectMode: false,
    });
    const { compression, stream } = await decompress(input);
    assert.equal(compression, c);
    assert.deepEqual(await collect(stream), plain);
  });
}

test("decompress accepts concatenated gzip members and empty input", async () => {
  const two = Buffer.concat([zlib.gzipSync("ab"), zlib.gzipSync("cd")]);
  assert.equal((await collect((await decompress(chunked(two, 7))).stream)).toString(), "abcd");
  const empty = await decompress(Readable.from([], { objectMode: false }));
  assert.equal(empty.compression, "none");
  assert.equal((await collect(empty.stream)).length, 0);
});

test("zstd: every frame is decoded and skippable frames are skipped (Node's decoder alone stops after one)", async () => {
  const skippable = Buffer.alloc(12);
  skippable.writeUInt32LE(0x184d2a5e, 0);
  skippable.writeUInt32LE(4, 4);
  const parts = [plain.subarray(0, 1000), plain.subarray(1000, 300_000), plain.subarray(300_000)];
  const packed = Buffer.concat([skippable, ...parts.flatMap((p) => [zlib.zstdCompressSync(p), skippable])]);
  const { compression, stream } = await decompress(chunked(packed, 777));
  assert.equal(compression, "zstd");
  assert.deepEqual(await collect(stream), plain);
  const duplex = decompressor("zstd");
  chunked(packed, 5000).pipe(duplex);
  assert.deepEqual(await collect(duplex), plain);
  await assert.rejects(collect((await decompress(chunked(packed.subarray(0, packed.length - 30), 777))).stream), (e) =>
    isHoistError(e, "BAD_ARCHIVE"),
  );
});

test("zstd: the zstd tool's multi-frame output with checksums decodes", async (t) => {
  let packed: Buffer;
  try {
    const one = execFileSync("zstd", ["-c", "-3", "--check"], { input: plain.subarray(0, 200_000) });
    const two = execFileSync("zstd", ["-c", "-19", "--no-check"], { input: plain.subarray(200_000) });
    packed = Buffer.concat([one, two]);
  } catch {
    t.skip("the zstd tool is not installed");
    return;
  }
  assert.deepEqual(await collect((await decompress(chunked(packed, 4096))).stream), plain);
});

test("truncated or corrupt compressed data fails as BAD_ARCHIVE", async () => {
  for (const packed of [zlib.gzipSync(plain), zlib.zstdCompressSync(plain)]) {
    const { stream } = await decompress(chunked(packed.subarray(0, packed.length - 20), 1000));
    await assert.rejects(collect(stream), (e) => isHoistError(e, "BAD_ARCHIVE"));
  }
  const corrupt = zlib.gzipSync(plain);
  corrupt.fill(0x55, 20, 60);
  await assert.rejects(
    async () => collect((await decompress(chunked(corrupt, 1000))).stream),
    (e) => isHoistError(e, "BAD_ARCHIVE"),
  );
});

test("xz input is refused as UNSUPPORTED", async () => {
  const xz = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3]);
  await assert.rejects(decompress(chunked(xz, 4)), (e) => isHoistError(e, "UNSUPPORTED"));
});

test("peek leaves the stream intact", async () => {
  const s = Readable.from([plain.subarray(0, 3), plain.subarray(3, 7), plain.subarray(7)], { objectMode: false });
  const head = await peek(s, 10);
  assert.equal(head.length >= 10, true);
  assert.deepEqual(await collect(s), plain);
});
