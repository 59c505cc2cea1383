import { test } from "node:test";
import assert from "node:assert/strict";
import { marshalJSON } from "./json.ts";
import { GO_TYPE } from "./values.ts";

test("compact output, object fields in their order, Map keys sorted", () => {
  assert.equal(marshalJSON({ b: 1, a: [true, null, "x", 1.5] }), '{"b":1,"a":[true,null,"x",1.5]}');
  assert.equal(
    marshalJSON(
      new Map<string, number>([
        ["b", 1],
        ["a", 2],
      ]),
    ),
    '{"a":2,"b":1}',
  );
  assert.equal(marshalJSON([]), "[]");
  assert.equal(marshalJSON({}), "{}");
  assert.equal(marshalJSON(new Set([1, 2])), "[1,2]");
  assert.equal(marshalJSON({ [GO_TYPE]: "T", Z: 1, A: 2 }), '{"Z":1,"A":2}');
});

test("missing values: undefined fields are left out, null elsewhere", () => {
  assert.equal(marshalJSON(undefined), "null");
  assert.equal(marshalJSON(null), "null");
  assert.equal(marshalJSON({ a: undefined, b: null, f: () => 1 }), '{"b":null}');
  assert.equal(marshalJSON([undefined]), "[null]");
});

test("numbers like Go's float64 encoding", () => {
  assert.equal(
    marshalJSON([1, -0.5, 1e21, 1e20, 1e-7, 0.000001, 7340032]),
    "[1,-0.5,1e+21,100000000000000000000,1e-7,0.000001,7340032]",
  );
  assert.equal(marshalJSON(2n ** 64n), "18446744073709551616");
  assert.throws(() => marshalJSON(NaN), { message: "json: unsupported value: NaN" });
  assert.throws(() => marshalJSON(() => 1), /unsupported type/);
});

test("strings: Go's escapes; HTML characters kept unless escapeHTML", () => {
  assert.equal(marshalJSON('a"b\\c\n\t\b\f\u0001\u001f'), '"a\\"b\\\\c\\n\\t\\b\\f\\u0001\\u001f"');
  assert.equal(marshalJSON("\u2028\u2029"), '"\\u2028\\u2029"');
  assert.equal(marshalJSON("<a&b>"), '"<a&b>"');
  assert.equal(marshalJSON({ "<k>": "<a&b>" }, { escapeHTML: true }), '{"\\u003ck\\u003e":"\\u003ca\\u0026b\\u003e"}');
  assert.equal(marshalJSON("\ud800x"), '"\ufffdx"');
  assert.equal(marshalJSON("é😀"), '"é😀"');
});

test("toJSON, cycles", () => {
  assert.equal(marshalJSON({ t: new Date(0) }), '{"t":"1970-01-01T00:00:00.000Z"}');
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => marshalJSON(cyclic), /cycle/);
  const shared = { x: 1 };
  assert.equal(marshalJSON([shared, shared]), '[{"x":1},{"x":1}]');
});
