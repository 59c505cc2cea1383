import { test } from "node:test";
import assert from "node:assert/strict";
import { htmlEscape, jsEscape, queryEscape, title } from "./escape.ts";
import { compile, render } from "./template.ts";

const failure = (src: string, data: unknown = {}): string => {
  try {
    compile(src).execute(data);
  } catch (e) {
    return (e as Error).message.replace(/^template: :\d+:\d+: executing "" at <[^>]*>: /, "");
  }
  return assert.fail(`expected ${src} to fail`);
};

test("comparisons: eq with several arguments, ne, lt, le, gt, ge", () => {
  assert.equal(render("{{eq 1 1}} {{eq 1 2}} {{eq 1 2 3 1}} {{eq .S `b` `a`}}", { S: "a" }), "true false true true");
  assert.equal(
    render('{{ne 1 2}} {{ne "a" "a"}} {{eq true true}} {{eq .M nil}} {{eq nil nil}}', {}),
    "true false true true true",
  );
  assert.equal(render("{{lt 1 2}} {{le 2 2}} {{gt 1 2}} {{ge 2 2}} {{lt 1.5 2}}", {}), "true true false true true");
  assert.equal(render('{{lt "a" "b"}} {{gt "b" "a"}}', {}), "true true");
  assert.equal(failure('{{eq 1 "a"}}'), "error calling eq: incompatible types for comparison");
  assert.equal(failure("{{eq 1}}"), "error calling eq: missing argument for comparison");
  assert.equal(failure("{{lt true false}}"), "error calling lt: invalid type for comparison");
  assert.equal(failure("{{lt .A 1}}", { A: null }), "error calling lt: invalid type for comparison");
  assert.equal(
    failure("{{eq .A .A}}", { A: [1] }),
    "error calling eq: non-comparable types []interface {} and []interface {}",
  );
  assert.equal(render("{{eq .A 1}}", {}), "false");
});

test("and, or, not: Go's truth, first deciding value, short-circuit", () => {
  assert.equal(
    render('{{and 1 0 2}} {{and 1 2}} {{or 0 "" 3}} {{or 0 ""}} {{not 0}} {{not "x"}}', {}),
    "0 2 3  true false",
  );
  let calls = 0;
  const data = {
    Boom: () => {
      calls++;
      throw new Error("evaluated");
    },
  };
  assert.equal(render("{{and false .Boom}} {{or true .Boom}}", data), "false true");
  assert.equal(calls, 0);
  assert.equal(render("{{if and .A (not .B)}}y{{end}}", { A: 1, B: 0 }), "y");
  assert.equal(render('{{"x" | and 1}}', {}), "x");
});

test("len counts bytes of strings, elements and keys", () => {
  assert.equal(
    render("{{len .S}} {{len .E}} {{len .L}} {{len .M}} {{len .Map}}", {
      S: "héllo",
      E: "",
      L: [1, 2, 3],
      M: { a: 1, b: 2 },
      Map: new Map([[1, 1]]),
    }),
    "6 0 3 2 1",
  );
  assert.equal(failure("{{len .X}}", {}), "error calling len: len of nil pointer");
});

test("index: slices, maps, strings (bytes), nested", () => {
  const data = { L: ["a", "b"], M: { "com.example": "v", n: { x: [1, 2] } }, S: "AB", Map: new Map([[1, "one"]]) };
  assert.equal(
    render('{{index .L 1}} {{index .M "com.example"}} {{index .M "n" "x" 1}} {{index .S 1}} {{index .Map 1}}', data),
    "b v 2 66 one",
  );
  assert.equal(render('{{index .M "nope"}}|', { M: { a: "1" } }), "|");
  assert.equal(render('{{index .M "nope"}}|', { M: {} }), "|");
  assert.equal(render('{{index .M "nope"}}|', { M: { a: 1 } }), "<no value>|");
  assert.equal(render('{{index .Labels "x"}}|', { Labels: null }), "|");
  assert.equal(failure("{{index .L 2}}", data), "error calling index: index out of range: 2");
  assert.equal(failure("{{index .L -1}}", data), "error calling index: index out of range: -1");
  assert.equal(failure('{{index .L "a"}}', data), "error calling index: cannot index slice/array with type string");
  assert.equal(failure("{{index .M 1}}", data), "error calling index: value has type int; should be string");
  assert.equal(failure("{{index .X 1}}", {}), "error calling index: index of untyped nil");
  assert.equal(failure("{{index 1 1}}"), "error calling index: can't index item of type int");
  assert.equal(render("{{index .}}", [1]), "[1]");
});

test("slice: slices and strings", () => {
  assert.equal(
    render("{{slice .L 1}} {{slice .L 1 2}} {{slice .L}} {{slice .L 0 1 2}}", { L: [1, 2, 3] }),
    "[2 3] [2] [1 2 3] [1]",
  );
  assert.equal(render('{{slice "hello" 1 3}}', {}), "el");
  assert.equal(failure("{{slice .L 2 1}}", { L: [1, 2, 3] }), "error calling slice: invalid slice index: 2 > 1");
  assert.equal(failure("{{slice .L 4}}", { L: [1, 2, 3] }), "error calling slice: index out of range: 4");
  assert.equal(failure('{{slice "abc" 0 1 2}}'), "error calling slice: cannot 3-index slice a string");
  assert.equal(failure("{{slice 1 0}}"), "error calling slice: can't slice item of type int");
});

test("print, printf, println", () => {
  assert.equal(render('{{print "a" 1 2 "b" .}}', true), "a1 2btrue");
  assert.equal(
    render('{{printf "%s has %d layers (%.1f%%)" .Name .N .P}}', { Name: "img", N: 3, P: 12.345 }),
    "img has 3 layers (12.3%)",
  );
  assert.equal(render("{{println 1 `a`}}", {}), "1 a\n");
  assert.equal(render("{{printf `%v|%v` .Missing .Null}}", { Null: null }), "<nil>|<nil>");
});

test("html, js, urlquery escape like Go", () => {
  assert.equal(htmlEscape(`<a href="x">'&'</a>\0`), "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;\uFFFD");
  assert.equal(jsEscape(`a'b"c\\<>&=\n\u2028é`), "a\\'b\\\"c\\\\\\u003C\\u003E\\u0026\\u003D\\u000A\\u2028é");
  assert.equal(queryEscape("a b&c=d/é~"), "a+b%26c%3Dd%2F%C3%A9~");
  assert.equal(render("{{html .}} {{js .}} {{urlquery .}}", "<x>"), "&lt;x&gt; \\u003Cx\\u003E %3Cx%3E");
  assert.equal(render("{{html .Missing}}", {}), "&lt;no value&gt;");
  assert.equal(render('{{urlquery "a" 1 2}}', {}), "a1+2");
});

test("call invokes a function value", () => {
  const data = { Fns: [(a: number, b: number) => a + b] };
  assert.equal(render("{{call (index .Fns 0) 1 2}}", data), "3");
  assert.equal(failure("{{call .X}}", {}), "error calling call: call of nil");
  assert.equal(failure("{{call 1}}"), "error calling call: non-function of type int");
});

test("docker's json, join, split, upper, lower, title, truncate, pad", () => {
  assert.equal(render("{{json .}}", { B: "<b>&", A: [1, 2.5, null, true] }), '{"B":"<b>&","A":[1,2.5,null,true]}');
  assert.equal(render("{{json .Missing}}", {}), "null");
  assert.equal(render("{{json .}}", NaN), "");
  assert.equal(render('{{join .Args " , "}}', { Args: ["-c", "echo hi"] }), "-c , echo hi");
  assert.equal(render('{{join .Args ","}}|{{join .None ","}}|', { Args: [1, "a"] }), "1,a||");
  assert.equal(render('{{split .Image ":"}}', { Image: "alpine:3.20" }), "[alpine 3.20]");
  assert.equal(render('{{index (split .Image ":") 1}}', { Image: "alpine:3.20" }), "3.20");
  assert.equal(render('{{split "ab" ""}}', {}), "[a b]");
  assert.equal(
    render('{{upper "abc"}} {{lower "ABC"}} {{title "hello wORLD foo_bar-baz"}}', {}),
    "ABC abc Hello WORLD Foo_bar-Baz",
  );
  assert.equal(render('{{truncate "abcdef" 3}} {{truncate "ab" 3}} {{truncate "日本語" 2}}', {}), "abc ab 日本");
  assert.equal(render('[{{pad "x" 1 2}}][{{pad "" 1 2}}]', {}), "[ x  ][]");
  assert.equal(render("{{.Name | upper}}", { Name: "x" }), "X");
  assert.equal(failure('{{join "a" ","}}'), 'expected []string; found "a"');
  assert.equal(failure("{{join .S `,`}}", { S: "a" }), "wrong type for value; expected []string; got string");
  assert.equal(title("ünïcode wörds"), "Ünïcode Wörds");
});

test("functions given at compile or render time", () => {
  const funcs = { double: (n: number) => n * 2, shout: (s: string) => s.toUpperCase() + "!" };
  assert.equal(render("{{double .N}} {{.S | shout}}", { N: 21, S: "hi" }, { funcs }), "42 HI!");
  const t = compile("{{double 2}}", { funcs });
  assert.equal(t.execute({}), "4");
  assert.equal(t.execute({}, { funcs: { double: () => "overridden" } }), "overridden");
  assert.throws(() => compile("{{double 2}}"), { message: 'template: :1: function "double" not defined' });
  assert.equal(render("{{upper .}}", "x", { funcs: { upper: (s: string) => `<${s}>` } }), "<x>");
  const failing = {
    bad: () => {
      throw new Error("nope");
    },
  };
  assert.throws(() => render("{{bad}}", {}, { funcs: failing }), {
    message: 'template: :1:2: executing "" at <bad>: error calling bad: nope',
  });
});
