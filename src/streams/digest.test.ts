import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { test } from "node:test";
import { isHoistError } from "../errors.ts";
import { sha256 } from "../oci/digest.ts";
import { digesting, limitSize, verifyDigest } from "./digest.ts";
import { collect } from "./test-helpers.ts";

const data = Buffer.from("hello, layers\n".repeat(1000));
const parts = () => Readable.from([data.subarray(0, 5000), data.subarray(5000)], { objectMode: false });

test("digesting passes bytes through and reports sha256 and size", async () => {
  const d = digesting();
  const out = await collect(parts().pipe(d));
  assert.deepEqual(out, data);
  assert.equal(d.bytes, data.length);
  assert.equal(d.digest(), sha256(data));
});

test("verifyDigest accepts matching content and size", async () => {
  const out = await collect(parts().pipe(verifyDigest(sha256(data), data.length)));
  assert.equal(out.length, data.length);
});

test("verifyDigest fails at the end on a digest mismatch", async () => {
  await assert.rejects(
    pipeline(parts(), verifyDigest(sha256("other")), async (s: AsyncIterable<Buffer>) => {
      for await (const _ of s);
    }),
    (e) => isHoistError(e, "DIGEST_INVALID"),
  );
});

test("verifyDigest fails on a size mismatch, before the digest", async () => {
  const drain = async (s: AsyncIterable<Buffer>) => {
    for await (const _ of s);
  };
  await assert.rejects(pipeline(parts(), verifyDigest(sha256(data), 100), drain), (e) =>
    isHoistError(e, "SIZE_INVALID"),
  );
  await assert.rejects(pipeline(parts(), verifyDigest(sha256(data), data.length + 1), drain), (e) =>
    isHoistError(e, "SIZE_INVALID"),
  );
});

test("limitSize passes up to the limit and fails beyond it", async () => {
  assert.equal((await collect(parts().pipe(limitSize(data.length)))).length, data.length);
  await assert.rejects(collect(parts().pipe(limitSize(data.length - 1))), (e) => isHoistError(e, "BUDGET_EXCEEDED"));
  await assert.rejects(
    collect(parts().pipe(limitSize(10, { code: "SIZE_INVALID", what: "manifest" }))),
    (e) => isHoistError(e, "SIZE_INVALID") && /manifest/.test(e.message),
  );
});
