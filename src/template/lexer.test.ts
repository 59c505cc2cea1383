import { test } from "node:test";
import assert from "node:assert/strict";
import { lex } from "./lexer.ts";

const kinds = (src: string): string[] => lex(src).map((t) => (t.type === "space" ? " " : `${t.type}:${t.val}`));

test("text and a simple field action", () => {
  assert.deepEqual(kinds("a {{.Name}} b"), [
    "text:a ",
    "leftDelim:{{",
    "field:.Name",
    "rightDelim:}}",
    "text: b",
    "eof:",
  ]);
});

test("chained fields, variables, dot and pipes", () => {
  assert.deepEqual(kinds("{{$x := .A.B | printf `%s` .}}"), [
    "leftDelim:{{",
    "variable:$x",
    " ",
    "declare::=",
    " ",
    "field:.A",
    "field:.B",
    " ",
    "pipe:|",
    " ",
    "identifier:printf",
    " ",
    "rawString:`%s`",
    " ",
    "dot:.",
    "rightDelim:}}",
    "eof:",
  ]);
});

test("keywords, bools, nil, numbers, strings and char constants", () => {
  assert.deepEqual(kinds(`{{if true}}{{else}}{{end}}`), [
    "leftDelim:{{",
    "keyword:if",
    " ",
    "bool:true",
    "rightDelim:}}",
    "leftDelim:{{",
    "keyword:else",
    "rightDelim:}}",
    "leftDelim:{{",
    "keyword:end",
    "rightDelim:}}",
    "eof:",
  ]);
  assert.deepEqual(
    kinds(`{{nil -1 0x1F 1.5e3 .5 "a\\"b" 'x'}}`).filter((k) => k !== " "),
    [
      "leftDelim:{{",
      "nil:nil",
      "number:-1",
      "number:0x1F",
      "number:1.5e3",
      "number:.5",
      'string:"a\\"b"',
      "charConstant:'x'",
      "rightDelim:}}",
      "eof:",
    ],
  );
});

test("trim markers remove adjacent whitespace, including newlines", () => {
  assert.deepEqual(kinds("a  \n{{- .X -}}\n\t b"), [
    "text:a",
    "leftDelim:{{",
    "field:.X",
    "rightDelim:}}",
    "text:b",
    "eof:",
  ]);
  // without a space after '-' it is a number, not a trim marker
  assert.deepEqual(kinds("a {{-3}}"), ["text:a ", "leftDelim:{{", "number:-3", "rightDelim:}}", "eof:"]);
});

test("comments are dropped, with or without trim markers", () => {
  assert.deepEqual(kinds("a{{/* c\n */}}b"), ["text:a", "text:b", "eof:"]);
  assert.deepEqual(kinds("a {{- /* c */ -}} b"), ["text:a", "text:b", "eof:"]);
});

test("parentheses and commas", () => {
  assert.deepEqual(kinds("{{(len .),$x}}").slice(1, 7), [
    "leftParen:(",
    "identifier:len",
    " ",
    "dot:.",
    "rightParen:)",
    "char:,",
  ]);
});

test("actions may span lines; positions and lines are tracked", () => {
  const tokens = lex("x\n{{.A\n .B}}");
  const b = tokens.find((t) => t.val === ".B");
  assert.equal(b?.line, 3);
  assert.equal(b?.pos, 8);
});

test("errors end the token stream", () => {
  const last = (src: string): string => {
    const t = lex(src).at(-1);
    return `${t?.type}:${t?.val}`;
  };
  assert.equal(last("{{.A"), "error:unclosed action");
  assert.equal(last('{{"abc}}'), "error:unterminated quoted string");
  assert.equal(last("{{`abc}}"), "error:unterminated raw quoted string");
  assert.equal(last("{{'a}}"), "error:unterminated character constant");
  assert.equal(last("{{/* x }}"), "error:unclosed comment");
  assert.equal(last("{{/* x */ .A}}"), "error:comment ends before closing delimiter");
  assert.equal(last("{{(.A}}"), "error:unclosed left paren");
  assert.equal(last("{{.A)}}"), "error:unexpected right paren");
  assert.equal(last("{{3x}}"), 'error:bad number syntax: "3x"');
  assert.equal(last("{{.A#}}"), "error:bad character U+0023 '#'");
  assert.equal(last("{{:}}"), "error:expected :=");
  assert.equal(last("{{\u0001}}"), "error:unrecognized character in action: U+0001");
});
