import { test } from "node:test";
import assert from "node:assert/strict";
import { GO_TYPE, goStruct, goTypeName, hasField, isTrue, kindOf, mapEntries } from "./values.ts";

test("kinds and Go type names", () => {
  const kinds = [undefined, null, "s", true, 1, 1.5, 2n, [1], new Set(), {}, new Map(), goStruct("T", {}), () => 1];
  assert.deepEqual(kinds.map(kindOf), [
    "invalid",
    "nil",
    "string",
    "bool",
    "int",
    "float",
    "int",
    "slice",
    "slice",
    "map",
    "map",
    "struct",
    "func",
  ]);
  assert.deepEqual([1, 1.5, 2n, "s", [1], {}, goStruct("pkg.T", {})].map(goTypeName), [
    "int",
    "float64",
    "int64",
    "string",
    "[]interface {}",
    "map[string]interface {}",
    "pkg.T",
  ]);
});

test("Go's truth", () => {
  assert.deepEqual([0, 0n, NaN, -1, "", "0", [], [0], {}, { a: 0 }].map(isTrue), [
    false,
    false,
    true,
    true,
    false,
    true,
    false,
    true,
    false,
    true,
  ]);
});

test("goStruct copies getters and methods and marks the type", () => {
  let reads = 0;
  const s = goStruct("T", {
    get Lazy() {
      reads++;
      return "v";
    },
    Method() {
      return this.Lazy;
    },
  });
  assert.equal(reads, 0);
  assert.equal(s.Method(), "v");
  assert.equal((s as unknown as Record<symbol, unknown>)[GO_TYPE], "T");
  assert.deepEqual(Object.keys(s), ["Lazy", "Method"]);
});

test("fields: own and inherited, never Object.prototype's; map entries sorted", () => {
  class C {
    get X() {
      return 1;
    }
  }
  assert.ok(hasField(new C(), "X"));
  assert.ok(!hasField({}, "toString") && !hasField({}, "constructor"));
  assert.ok(hasField(Object.create(null) as object, "x") === false);
  assert.deepEqual(mapEntries({ b: 1, a: 2, B: 3 }), [
    ["B", 3],
    ["a", 2],
    ["b", 1],
  ]);
  assert.deepEqual(
    mapEntries(
      new Map<unknown, number>([
        [10, 1],
        [9, 2],
      ]),
    ),
    [
      [9, 2],
      [10, 1],
    ],
  );
});
