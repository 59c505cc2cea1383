import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeCrypto, randomHex, randomInt } from "./random.ts";

test("randomHex: n bytes as 2n hex characters, different each time", () => {
  const a = randomHex(32);
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(a, randomHex(32));
});

test("randomInt: every value of [0, max) comes up, nothing outside it", () => {
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const v = randomInt(7);
    assert.ok(Number.isInteger(v) && v >= 0 && v < 7, String(v));
    seen.add(v);
  }
  assert.equal(seen.size, 7);
});

test("nodeCrypto: node:crypto, loaded once", () => {
  assert.equal(nodeCrypto(), nodeCrypto());
  assert.equal(nodeCrypto().createHash("sha256").update("").digest("hex").slice(0, 8), "e3b0c442");
});
