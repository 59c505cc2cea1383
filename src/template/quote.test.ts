import { test } from "node:test";
import assert from "node:assert/strict";
import { canBackquote, isPrint, quote, quoteRune, unquote, unquoteChar } from "./quote.ts";

test("quote and quoteRune follow strconv", () => {
  assert.equal(quote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(quote("\x07\b\f\n\r\t\v\x00\x7f"), '"\\a\\b\\f\\n\\r\\t\\v\\x00\\x7f"');
  assert.equal(quote("é☺\u00a0\u200b😀"), '"é☺\\u00a0\\u200b😀"');
  assert.equal(quote("é😀", true), '"\\u00e9\\U0001f600"');
  assert.equal(quoteRune(39), "'\\''");
  assert.equal(quoteRune(34), "'\"'");
  assert.equal(quoteRune(-1), "'�'");
  assert.ok(isPrint(0x20) && !isPrint(0x7f) && isPrint(0x4e16) && !isPrint(0x2028));
  assert.ok(canBackquote("a b\t") && !canBackquote("a`b") && !canBackquote("a\nb"));
});

test("unquote accepts Go string literals and rejects bad ones", () => {
  assert.equal(unquote('"a\\x41\\101\\u00e9\\U0001F600\\t"'), "aAAé😀\t");
  assert.equal(unquote('"\\xc3\\xa9"'), "é");
  assert.equal(unquote("`a\\n\r\nb`"), "a\\n\nb");
  for (const bad of ['"\\q"', '"\\\'"', '"\\x4"', '"\\400"', '"\\ud800"', '"a', "'a'"]) {
    assert.throws(() => unquote(bad), { message: "invalid syntax" }, bad);
  }
  assert.equal(unquoteChar("'a'"), 97);
  assert.equal(unquoteChar("'\\n'"), 10);
  assert.equal(unquoteChar("'\\''"), 39);
  assert.equal(unquoteChar("'😀'"), 0x1f600);
  assert.throws(() => unquoteChar("'ab'"), { message: "malformed character constant: 'ab'" });
});
