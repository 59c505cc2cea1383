import { test } from "node:test";
import assert from "node:assert/strict";
import { isHoistError } from "../errors.ts";
import { pathMatch } from "./path-match.ts";

test("* and ? do not cross /", () => {
  assert.equal(pathMatch("foo/*", "foo/bar"), true);
  assert.equal(pathMatch("foo/*", "foo/bar/baz"), false);
  assert.equal(pathMatch("*", ""), true);
  assert.equal(pathMatch("a?c", "abc"), true);
  assert.equal(pathMatch("a?c", "a/c"), false);
  assert.equal(pathMatch("foo/**/bar", "foo/x/bar"), true, "** is just *");
  assert.equal(pathMatch("foo/**/bar", "foo/x/y/bar"), false);
  assert.equal(pathMatch("*x*", "axbxc"), true);
  assert.equal(pathMatch("*x", "axbxc"), false);
});

test("character classes, negation, ranges and escapes", () => {
  assert.equal(pathMatch("ba[rz]", "baz"), true);
  assert.equal(pathMatch("ba[rz]", "bat"), false);
  assert.equal(pathMatch("ba[^rz]", "bat"), true);
  assert.equal(pathMatch("ba[^rz]", "bar"), false);
  assert.equal(pathMatch("[a-c]x", "bx"), true);
  assert.equal(pathMatch("[z-a]", "b"), false, "an empty range matches nothing but is not an error");
  assert.equal(pathMatch("a[/]b", "a/b"), true, "a class may match /");
  assert.equal(pathMatch("[\\]]", "]"), true);
  assert.equal(pathMatch("[\\-]", "-"), true);
  assert.equal(pathMatch("\\*", "*"), true);
  assert.equal(pathMatch("\\*", "x"), false);
  assert.equal(pathMatch("?", "é"), true, "one code point, not one UTF-16 unit");
  assert.equal(pathMatch("?", "😀"), true);
});

test("malformed patterns are errors, even when the name would not match anyway", () => {
  for (const pattern of ["[", "[]", "[^]", "[a", "[a-]", "[-x]", "[x-]", "\\", "[\\", "[]a]", "x[", "zzz["]) {
    assert.throws(
      () => pathMatch(pattern, "y"),
      (e: unknown) => isHoistError(e, "INVALID_ARGUMENT") && e.message === "syntax error in pattern",
      pattern,
    );
  }
});

test("many stars stay fast", () => {
  const start = performance.now();
  assert.equal(pathMatch("*a*a*a*a*a*a*a*a*b", "a".repeat(5000)), false);
  assert.ok(performance.now() - start < 2000);
});
