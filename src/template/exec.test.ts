import { test } from "node:test";
import assert from "node:assert/strict";
import { compile, render } from "./template.ts";
import { GO_TYPE, goStruct } from "./values.ts";

const execError = (src: string, data: unknown, options = {}): string => {
  try {
    compile(src).execute(data, options);
  } catch (e) {
    assert.equal((e as { code?: string }).code, "INVALID_ARGUMENT");
    return (e as Error).message;
  }
  return assert.fail(`expected ${JSON.stringify(src)} to fail`);
};

test("fields, nested fields, $ and dot", () => {
  const data = { Name: "alpine", Config: { Env: ["A=1"], User: "" }, Size: 7340032 };
  assert.equal(render("{{.Name}}:{{.Size}}", data), "alpine:7340032");
  assert.equal(render("{{.Config.Env}}", data), "[A=1]");
  assert.equal(render("{{with .Config}}{{$.Name}} {{.User}}|{{end}}", data), "alpine |");
  assert.equal(render("{{.}}", "plain"), "plain");
  assert.equal(render("{{.Name}}", new Map([["Name", "m"]])), "m");
});

test("printing values the way Go prints them", () => {
  assert.equal(render("{{.}}", undefined), "<no value>");
  assert.equal(render("{{.}}", null), "<no value>");
  assert.equal(render("{{.Missing}}", {}), "<no value>");
  assert.equal(render("{{.A}}", { A: null }), "<no value>");
  assert.equal(render("{{.}}", ["a", "b", "c"]), "[a b c]");
  assert.equal(render("{{.}}", []), "[]");
  assert.equal(render("{{.}}", { b: 2, a: [1, null], c: { d: true } }), "map[a:[1 <nil>] b:2 c:map[d:true]]");
  assert.equal(
    render(
      "{{.}}",
      new Map<string, number>([
        ["z", 1],
        ["y", 2],
      ]),
    ),
    "map[y:2 z:1]",
  );
  assert.equal(render("{{.}}", goStruct("T", { Name: "x", N: 1 })), "{x 1}");
  assert.equal(render("{{.}}", new Set(["x", "y"])), "[x y]");
  assert.equal(render("{{.}} {{.}}", true), "true true");
  assert.equal(
    render("{{.A}} {{.B}} {{.C}} {{.D}}", { A: 7340032, B: 1.5, C: 1e21, D: -0.00001 }),
    "7340032 1.5 1000000000000000000000 -1e-05",
  );
  assert.equal(render("{{.}}", 12345678.9), "1.23456789e+07");
  assert.equal(render("{{.}}", 123456.5), "123456.5");
  assert.equal(render("{{.}}", 2n ** 70n), "1180591620717411303424");
  assert.equal(render("{{.}}", NaN), "NaN");
  assert.equal(render("{{.}}", -Infinity), "-Inf");
});

test("literals", () => {
  assert.equal(
    render(`{{"a\\tb"}}|{{\`raw\\t\`}}|{{1}}|{{-2}}|{{1.5}}|{{0x10}}|{{'a'}}|{{true}}`, {}),
    "a\tb|raw\\t|1|-2|1.5|16|97|true",
  );
});

test("if, else if, else and Go's truth", () => {
  const t = compile("{{if .}}T{{else}}F{{end}}");
  const truth = (v: unknown): string => t.execute(v);
  for (const v of [true, 1, -1, 0.5, "x", [0], { a: 1 }, new Map([[1, 1]]), goStruct("T", {})])
    assert.equal(truth(v), "T");
  for (const v of [false, 0, "", [], {}, new Map(), null, undefined]) assert.equal(truth(v), "F");
  const chain = compile("{{if eq .N 1}}one{{else if eq .N 2}}two{{else if .Other}}other{{else}}none{{end}}");
  assert.deepEqual(
    [{ N: 1 }, { N: 2 }, { N: 3, Other: true }, { N: 3 }].map((d) => chain.execute(d)),
    ["one", "two", "other", "none"],
  );
});

test("with sets dot, with else and else with", () => {
  assert.equal(render("{{with .A}}{{.B}}{{end}}", { A: { B: "b" } }), "b");
  assert.equal(render("{{with .A}}x{{else}}none{{end}}", { A: "" }), "none");
  assert.equal(render("{{with .A}}a{{else with .B}}{{.}}{{else}}none{{end}}", { B: "b" }), "b");
  assert.equal(render("{{with $x := .A}}{{$x}}{{.}}{{end}}", { A: 1 }), "11");
});

test("range over slices, maps (sorted keys), Maps, ints; else; variables", () => {
  assert.equal(render("{{range .}}[{{.}}]{{end}}", ["a", "b"]), "[a][b]");
  assert.equal(render("{{range $i, $e := .}}{{$i}}={{$e}} {{end}}", ["a", "b"]), "0=a 1=b ");
  assert.equal(render("{{range $e := .}}{{$e}}{{end}}", ["a", "b"]), "ab");
  assert.equal(render("{{range $k, $v := .}}{{$k}}={{$v}} {{end}}", { b: 2, a: 1, c: 3 }), "a=1 b=2 c=3 ");
  assert.equal(render("{{range .}}{{.}}{{end}}", { b: 2, a: 1 }), "12");
  assert.equal(
    render(
      "{{range $k, $v := .}}{{$k}}{{end}}",
      new Map([
        [10, "x"],
        [9, "y"],
      ]),
    ),
    "910",
  );
  assert.equal(render("{{range 3}}{{.}}{{end}}", {}), "012");
  assert.equal(render("{{range $i := 2}}{{$i}}{{end}}", {}), "01");
  assert.equal(render("{{range .}}x{{else}}empty{{end}}", []), "empty");
  assert.equal(render("{{range .}}x{{else}}empty{{end}}", {}), "empty");
  assert.equal(render("{{range .Missing}}x{{else}}empty{{end}}", {}), "empty");
  assert.equal(render("{{range .}}x{{else}}empty{{end}}", null), "empty");
});

test("nested range with variables and $", () => {
  const data = {
    Repo: "hoist",
    Images: [
      { Name: "a", Tags: ["1", "2"] },
      { Name: "b", Tags: ["3"] },
    ],
  };
  const src =
    "{{range $i, $img := .Images}}{{range $j, $t := $img.Tags}}{{$.Repo}}/{{$img.Name}}:{{$t}}@{{$i}}.{{$j}} {{end}}{{end}}";
  assert.equal(render(src, data), "hoist/a:1@0.0 hoist/a:2@0.1 hoist/b:3@1.0 ");
});

test("break and continue apply to the innermost range", () => {
  const src = "{{range .}}{{if eq . 2}}{{continue}}{{end}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}";
  assert.equal(render(src, [1, 2, 3, 4, 5]), "13");
  assert.equal(render("{{range .}}{{range .}}{{break}}{{end}}{{.}}{{end}}", [[1], [2]]), "[1][2]");
});

test("variables: declare, assign across scopes, and $ inside range", () => {
  assert.equal(render("{{$x := 1}}{{range .}}{{$x = .}}{{end}}{{$x}}", [1, 2, 3]), "3");
  assert.equal(render("{{$x := .A}}{{$x}}{{$x := 2}}{{$x}}", { A: 1 }), "12");
  assert.equal(render("{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}", {}), "21");
  assert.equal(render("{{range .L}}{{$.N}}{{.}}{{end}}", { N: "n", L: [1, 2] }), "n1n2");
});

test("pipelines, parenthesized pipelines and chains", () => {
  assert.equal(render('{{.Name | printf "%q"}}', { Name: "x" }), '"x"');
  assert.equal(render('{{"a" | printf "%s-%s" "b"}}', {}), "b-a");
  assert.equal(render("{{(index .L 1).Name}}", { L: [{ Name: "x" }, { Name: "y" }] }), "y");
  assert.equal(render("{{len (index .L 0)}}", { L: ["abc"] }), "3");
  assert.equal(render("{{$m := .M}}{{$m.A.B}}", { M: { A: { B: "deep" } } }), "deep");
});

test("trim markers", () => {
  assert.equal(render("a  {{- .X -}}  b", { X: 1 }), "a1b");
  assert.equal(render("{{range .}}\n  {{- .}}\n{{- end}}", [1, 2]), "12");
  assert.equal(render("x {{/* comment */}} y", {}), "x  y");
  assert.equal(render("x {{- /* comment */ -}} y", {}), "xy");
});

test("functions and getters on the data are called as methods", () => {
  const data = {
    Labels: { a: "1", b: "2" },
    Label(name: string) {
      return this.Labels[name as "a"] ?? "";
    },
    get Upper() {
      return "GETTER";
    },
    Greet: (who: string, punct: string) => `hi ${who}${punct}`,
  };
  assert.equal(render('{{.Label "a"}}{{.Label "zz"}}', data), "1");
  assert.equal(render("{{.Upper}}", data), "GETTER");
  assert.equal(render('{{.Greet "x" "!"}} {{"!" | .Greet "y"}}', data), "hi x! hi y!");
  class Ctx {
    get ID() {
      return "abc";
    }
  }
  assert.equal(render("{{.ID}}", new Ctx()), "abc");
  assert.equal(render("{{.constructor}}", {}), "<no value>");
});

test("structs: missing fields are errors, fields keep their order", () => {
  const img = { [GO_TYPE]: "*formatter.imageContext", ID: "abc", Size: "5MB" };
  assert.equal(render("{{.ID}}", img), "abc");
  assert.equal(
    execError("{{.Nope}}", img),
    'template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.imageContext',
  );
  assert.equal(render("{{.}}", img), "{abc 5MB}");
});

test("missingkey=error", () => {
  assert.equal(
    execError("{{.Nope}}", {}, { missingKey: "error" }),
    'template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"',
  );
  assert.equal(
    execError("{{.State.Health.Status}}", { State: {} }, { missingKey: "error" }),
    'template: :1:8: executing "" at <.State.Health.Status>: map has no entry for key "Health"',
  );
  assert.equal(render("{{.A}}", { A: 1 }, { missingKey: "error" }), "1");
});

test("execution errors are worded like Go's, with line:column", () => {
  const cases: [string, unknown, string][] = [
    ["{{.A.B}}", { A: null }, 'template: :1:4: executing "" at <.A.B>: nil pointer evaluating interface {}.B'],
    ["{{.A.B}}", { A: "s" }, 'template: :1:4: executing "" at <.A.B>: can\'t evaluate field B in type string'],
    ["{{.A.B}}", { A: [1] }, 'template: :1:4: executing "" at <.A.B>: can\'t evaluate field B in type []interface {}'],
    ["x\n  {{.A.B}}", { A: 1 }, 'template: :2:6: executing "" at <.A.B>: can\'t evaluate field B in type int'],
    ["{{.A 1}}", { A: 1 }, 'template: :1:2: executing "" at <.A>: A is not a method but has arguments'],
    ["{{1 2}}", {}, 'template: :1:2: executing "" at <1>: can\'t give argument to non-function 1'],
    ["{{nil}}", {}, 'template: :1:2: executing "" at <nil>: nil is not a command'],
    ["{{index . 5}}", [1], 'template: :1:2: executing "" at <index . 5>: error calling index: index out of range: 5'],
    ["{{len 3}}", {}, 'template: :1:2: executing "" at <len 3>: error calling len: len of type int'],
    ["{{upper 1}}", {}, 'template: :1:8: executing "" at <1>: expected string; found 1'],
    ["{{upper .N}}", { N: 5 }, 'template: :1:8: executing "" at <.N>: wrong type for value; expected string; got int'],
    ["{{upper .N}}", {}, 'template: :1:8: executing "" at <.N>: invalid value; expected string'],
    ["{{truncate .S 1.5}}", { S: "x" }, 'template: :1:14: executing "" at <1.5>: expected integer; found 1.5'],
    ["{{upper nil}}", {}, 'template: :1:8: executing "" at <nil>: cannot assign nil to string'],
    ["{{upper}}", {}, 'template: :1:2: executing "" at <upper>: wrong number of args for upper: want 1 got 0'],
    [
      '{{upper "a" "b"}}',
      {},
      'template: :1:2: executing "" at <upper "a" "b">: wrong number of args for upper: want 1 got 2',
    ],
    ["{{eq}}", {}, 'template: :1:2: executing "" at <eq>: wrong number of args for eq: want at least 1 got 0'],
    ["{{range .}}{{end}}", "str", 'template: :1:8: executing "" at <.>: range can\'t iterate over str'],
    [
      "{{range $i, $e := 3}}{{end}}",
      {},
      'template: :1:8: executing "" at <$i, $e := 3>: can\'t use 3 to iterate over more than one variable',
    ],
    [
      "{{.F}}",
      { F: () => () => 1 },
      'template: :1:2: executing "" at <{{.F}}>: can\'t print .F of type func(...interface {}) interface {}',
    ],
    [
      "{{.F}}",
      {
        F: () => {
          throw new Error("boom");
        },
      },
      'template: :1:2: executing "" at <.F>: error calling F: boom',
    ],
    ["{{(nil).A}}", {}, 'template: :1:3: executing "" at <nil>: nil is not a command'],
  ];
  for (const [src, data, message] of cases) assert.equal(execError(src, data), message, src);
  // Go shortens the context to 20 characters
  assert.equal(
    execError("{{.VeryLongFieldNameThatGoesOnAndOn 1}}", {}),
    'template: :1:2: executing "" at <.VeryLongFieldNameTh...>: VeryLongFieldNameThatGoesOnAndOn is not a method but has arguments',
  );
  // columns count bytes, as Go's do
  assert.equal(
    execError("é{{.A.B}}", { A: 1 }),
    'template: :1:6: executing "" at <.A.B>: can\'t evaluate field B in type int',
  );
});

test("a missing key in a chain is no value, not an error", () => {
  assert.equal(render("{{.A.B.C}}", {}), "<no value>");
  assert.equal(render("{{$x := .Missing}}{{$x.Foo}}", {}), "<no value>");
  assert.equal(render("{{$x := .Null}}{{$x.Foo}}", { Null: null }), "<no value>");
});
