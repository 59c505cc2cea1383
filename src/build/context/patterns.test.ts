import { test } from "node:test";
import assert from "node:assert/strict";
import { PatternMatcher, readIgnoreFile } from "./patterns.ts";

test(".dockerignore lines: comments, blanks, cleaning, leading / and ! exceptions", () => {
  const text = "# comment\n\n  *.log  \n/build/\n!build/keep\n ./a/../b \n #not a comment\n";
  assert.deepEqual(readIgnoreFile(text), ["*.log", "build", "!build/keep", "b", "#not a comment"]);
});

test("a pattern matches a path or any of its parent directories", () => {
  const m = new PatternMatcher(["build", "*.log"]);
  assert.equal(m.matches("build"), true);
  assert.equal(m.matches("build/x/y.txt"), true);
  assert.equal(m.matches("a.log"), true);
  assert.equal(m.matches("dir/a.log"), false, "* does not cross /");
  assert.equal(m.matches("builder"), false);
});

test("** matches any number of directories, also none", () => {
  const m = new PatternMatcher(["**/*.tmp", "docs/**"]);
  assert.equal(m.matches("a.tmp"), true);
  assert.equal(m.matches("x/y/z.tmp"), true);
  assert.equal(m.matches("docs/a/b"), true);
  assert.equal(m.matches("docsx"), false);
  const all = new PatternMatcher(["**"]);
  assert.equal(all.matches("anything/at/all"), true);
});

test("the last matching pattern decides; exceptions re-include", () => {
  const m = new PatternMatcher(["*.md", "!README.md", "README*.md"]);
  assert.equal(m.matches("CHANGES.md"), true);
  assert.equal(m.matches("README.md"), true, "a later pattern excludes it again");
  const n = new PatternMatcher(["logs", "!logs/keep.txt"]);
  assert.equal(n.matches("logs/a.txt"), true);
  assert.equal(n.matches("logs/keep.txt"), false);
  assert.equal(n.mayIncludeBelow("logs"), true);
  assert.equal(n.mayIncludeBelow("other"), false);
});

test("?, character classes and escapes", () => {
  const m = new PatternMatcher(["file?.txt", "[ab]*.c", "lit\\*"]);
  assert.equal(m.matches("file1.txt"), true);
  assert.equal(m.matches("file10.txt"), false);
  assert.equal(m.matches("a1.c"), true);
  assert.equal(m.matches("c1.c"), false);
  assert.equal(m.matches("lit*"), true);
  assert.equal(m.matches("litx"), false);
  assert.equal(new PatternMatcher(["a.b"]).matches("axb"), false, ". is literal");
});
