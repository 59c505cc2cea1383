import { test } from "node:test";
import assert from "node:assert/strict";
import { imageIdHex, isFullImageId, isImageIdLike } from "./image-id.ts";

const full = "da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821";

test("isImageIdLike: 4 to 64 lower-case hex digits, optionally sha256:-prefixed", () => {
  for (const s of [full, `sha256:${full}`, "da30", "sha256:da30", full.slice(0, 12)])
    assert.equal(isImageIdLike(s), true, s);
  for (const s of ["", "da3", "sha256:", "DA304E", `${full}0`, `sha512:${full}`, "sha256:da3", "busybox", "da30:tag"]) {
    assert.equal(isImageIdLike(s), false, s);
  }
});

test("imageIdHex and isFullImageId", () => {
  assert.equal(imageIdHex(`sha256:${full}`), full);
  assert.equal(imageIdHex("abcd"), "abcd");
  assert.equal(imageIdHex("nope"), undefined);
  assert.equal(isFullImageId(full), true);
  assert.equal(isFullImageId(`sha256:${full}`), true);
  assert.equal(isFullImageId(full.slice(0, 12)), false);
});
