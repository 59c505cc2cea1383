import assert from "node:assert/strict";
import { test } from "node:test";
import { clampedInt, parseChunkRange, parseRange } from "./http.ts";
import { checkDigest, isRepositoryName, isTag } from "./names.ts";

test("Range headers resolve against the size; unsatisfiable and unsupported forms are told apart", () => {
  assert.deepEqual(parseRange("bytes=0-9", 100), { start: 0, end: 9 });
  assert.deepEqual(parseRange("bytes=90-", 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange("bytes=-10", 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange("bytes=-1000", 100), { start: 0, end: 99 });
  assert.deepEqual(parseRange("bytes=50-5000", 100), { start: 50, end: 99 });
  assert.equal(parseRange("bytes=10-5", 100), "unsatisfiable");
  assert.equal(parseRange("bytes=100-", 100), "unsatisfiable");
  assert.equal(parseRange("bytes=-0", 100), "unsatisfiable");
  assert.equal(parseRange("bytes=0-1,5-6", 100), undefined);
  assert.equal(parseRange(undefined, 100), undefined);
});

test("upload Content-Range in the spec's form and with a bytes unit", () => {
  assert.deepEqual(parseChunkRange("0-21"), { start: 0, end: 21 });
  assert.deepEqual(parseChunkRange("bytes 22-41/42"), { start: 22, end: 41 });
  assert.equal(parseChunkRange(undefined), undefined);
  assert.throws(() => parseChunkRange("5-1"));
  assert.throws(() => parseChunkRange("a-b"));
});

test("clamped integers", () => {
  assert.equal(clampedInt(null, 7, 10), 7);
  assert.equal(clampedInt("abc", 7, 10), 7);
  assert.equal(clampedInt("-5", 7, 10), 0);
  assert.equal(clampedInt("500", 7, 10), 10);
  assert.equal(clampedInt("3", 7, 10), 3);
});

test("names, tags and digests follow the distribution spec grammar", () => {
  for (const ok of ["a", "a/b", "a.b_c__d---e/f0", "x".repeat(255)]) assert.ok(isRepositoryName(ok), ok);
  for (const bad of ["", "A", "a/", "/a", "a..b", "a/../b", "a_", "_a", "a-", "a___b", "x".repeat(256)])
    assert.ok(!isRepositoryName(bad), bad);
  for (const ok of ["latest", "_x", "V1.0-rc_1", "x".repeat(128)]) assert.ok(isTag(ok), ok);
  for (const bad of ["", ".x", "-x", "a/b", "a:b", "x".repeat(129)]) assert.ok(!isTag(bad), bad);
  const hex = "a".repeat(64);
  assert.equal(checkDigest(`sha256:${hex}`), `sha256:${hex}`);
  assert.throws(() => checkDigest(`sha256:${hex.toUpperCase()}`), /invalid digest/);
  assert.throws(() => checkDigest(`blake3:${hex}`), /unsupported digest algorithm/);
  assert.throws(() => checkDigest(null), /digest missing/);
});
