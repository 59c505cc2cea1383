import assert from "node:assert/strict";
import { test } from "node:test";
import { YamlError, parseYaml } from "./yaml.ts";

test("block maps, sequences of scalars and maps, flow collections, quotes and comments", () => {
  const doc = parseYaml(`
# top comment
addr: ":5000"   # trailing comment
path: /a/b#not-a-comment
quoted: 'it''s'
escaped: "tab\\there"
n: 42
f: 1.5
yes: true
none: ~
list:
- a
- "b c"
nested:
  rules:
    - repository: "team/*"
      pull: ["*", alice]
      push:
        - alice
    - repository: x
flow: {a: 1, b: [x, y]}
empty:
`);
  assert.deepEqual(doc, {
    addr: ":5000",
    path: "/a/b#not-a-comment",
    quoted: "it's",
    escaped: "tab\there",
    n: 42,
    f: 1.5,
    yes: true,
    none: null,
    list: ["a", "b c"],
    nested: { rules: [{ repository: "team/*", pull: ["*", "alice"], push: ["alice"] }, { repository: "x" }] },
    flow: { a: 1, b: ["x", "y"] },
    empty: null,
  });
});

test("errors carry line numbers", () => {
  assert.throws(() => parseYaml("a: 1\n  b: 2\n"), YamlError);
  assert.throws(() => parseYaml("a: [1, 2\n"), /line 1/);
  assert.throws(() => parseYaml("just text\nmore\n"), /line 1/);
  assert.equal(parseYaml(""), null);
});
