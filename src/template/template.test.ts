import { test } from "node:test";
import assert from "node:assert/strict";
import { cachedCompile, compile, render } from "./template.ts";

test("compile once, execute many times", () => {
  const t = compile("{{.N}}!");
  assert.equal(t.source, "{{.N}}!");
  assert.equal(t.name, "");
  assert.deepEqual(
    [1, 2, 3].map((N) => t.execute({ N })),
    ["1!", "2!", "3!"],
  );
});

test("the compile cache returns the same template for the same source, name and function names", () => {
  const a = cachedCompile("{{.A}} cached");
  assert.equal(cachedCompile("{{.A}} cached"), a);
  assert.notEqual(cachedCompile("{{.A}} cached", { name: "other" }), a);
  assert.notEqual(cachedCompile("{{.A}} cached", { funcs: { f: () => 1 } }), a);
  for (let i = 0; i < 300; i++) cachedCompile(`{{.A}} filler ${i}`);
  assert.notEqual(cachedCompile("{{.A}} cached"), a, "evicted after many other templates");
});

test("render runs the functions it is given, even on a cached template", () => {
  assert.equal(render("{{f}}", {}, { funcs: { f: () => "one" } }), "one");
  assert.equal(render("{{f}}", {}, { funcs: { f: () => "two" } }), "two");
});

test("errors are HoistErrors with code INVALID_ARGUMENT", () => {
  assert.throws(() => render("{{", {}), {
    name: "HoistError",
    code: "INVALID_ARGUMENT",
    message: "template: :1: unclosed action",
  });
  assert.throws(() => render("{{.A.B}}", { A: 1 }), { name: "HoistError", code: "INVALID_ARGUMENT" });
  assert.throws(() => compile("{{nope}}", { name: "x" }), { message: 'template: x:1: function "nope" not defined' });
});

test("text without actions passes through untouched", () => {
  assert.equal(render("plain {text} } {", {}), "plain {text} } {");
  assert.equal(render("", {}), "");
});
