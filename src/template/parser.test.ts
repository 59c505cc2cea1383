import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeString } from "./ast.ts";
import type { ActionNode, Node } from "./ast.ts";
import { builtins } from "./funcs.ts";
import { parse } from "./parser.ts";

const known = (name: string): boolean => Object.hasOwn(builtins, name);
const tree = (src: string): readonly Node[] => parse(src, "", known).nodes;
const roundTrip = (src: string): string => tree(src).map(nodeString).join("");
const parseError = (src: string): string => {
  try {
    parse(src, "", known);
  } catch (e) {
    assert.equal((e as { code?: string }).code, "INVALID_ARGUMENT");
    return (e as Error).message;
  }
  return assert.fail(`expected ${JSON.stringify(src)} not to parse`);
};

test("round-trips actions through Node.String()", () => {
  for (const src of [
    "{{.A.B}}",
    "{{$x := index .M `k` 1}}",
    '{{.A | printf "%s" | len}}',
    "{{(index .L 0).Name}}",
    "{{$.Config.Env}}",
    "{{nil}}",
    "{{if .A}}a{{else}}b{{end}}",
    "{{range $k, $v := .M}}{{$k}}{{end}}",
    "{{with .A}}{{.}}{{end}}",
  ]) {
    assert.equal(roundTrip(src), src.replaceAll("\n", ""));
  }
});

test("numbers keep their text and value", () => {
  const action = tree("{{printf `%v %v %v %v %v %v` 0x1F 0o17 017 0b101 1_000 'a'}}")[0] as ActionNode;
  const values = action.pipe.cmds[0]?.args.slice(2).map((a) => (a.type === "number" ? a.value : undefined));
  assert.deepEqual(values, [31, 15, 15, 5, 1000, 97]);
});

test("strings are unquoted like Go's strconv.Unquote", () => {
  const action = tree('{{print "a\\tb\\u00e9\\x41\\101" `raw\\n`}}')[0] as ActionNode;
  const values = action.pipe.cmds[0]?.args.slice(1).map((a) => (a.type === "string" ? a.value : undefined));
  assert.deepEqual(values, ["a\tbéAA", "raw\\n"]);
});

test("else if chains nest an if in the else list", () => {
  const [n] = tree("{{if .A}}a{{else if .B}}b{{else}}c{{end}}");
  assert.equal(n?.type, "if");
  if (n?.type !== "if") return;
  assert.equal(n.elseList?.nodes[0]?.type, "if");
  assert.equal(nodeString(n), "{{if .A}}a{{else}}{{if .B}}b{{else}}c{{end}}{{end}}");
  const [w] = tree("{{with .A}}a{{else with .B}}b{{end}}");
  assert.equal(nodeString(w as Node), "{{with .A}}a{{else}}{{with .B}}b{{end}}{{end}}");
});

test("a chained field's position is that of its second field, as in Go", () => {
  const action = tree("{{.State.Health.Status}}")[0] as ActionNode;
  assert.equal(action.pipe.cmds[0]?.args[0]?.pos, 8);
});

test("variables are scoped to their control structure", () => {
  assert.doesNotThrow(() => tree("{{range $i, $e := .}}{{$i}}{{$e}}{{end}}"));
  assert.match(parseError("{{range $e := .}}{{end}}{{$e}}"), /undefined variable "\$e"/);
  assert.match(parseError("{{if $x := .}}{{end}}{{$x}}"), /undefined variable "\$x"/);
  assert.doesNotThrow(() => tree("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}"));
});

test("parse errors are worded like Go's", () => {
  const cases: [string, string][] = [
    ["{{foo}}", 'template: :1: function "foo" not defined'],
    ["{{.A", "template: :1: unclosed action"],
    ["a\n\n{{.A", "template: :3: unclosed action"],
    ["{{.A\n\n", "template: :3: unclosed action started at :1"],
    ["{{if .A}}", "template: :1: unexpected EOF"],
    ["{{range .}}", "template: :1: unexpected EOF"],
    ["{{end}}", "template: :1: unexpected {{end}}"],
    ["{{else}}", "template: :1: unexpected {{else}}"],
    ["{{}}", "template: :1: missing value for command"],
    ["{{if}}{{end}}", "template: :1: missing value for if"],
    ["{{range}}{{end}}", "template: :1: missing value for range"],
    ["{{$x}}", 'template: :1: undefined variable "$x"'],
    ["{{.A | 1}}", "template: :1: non executable command in pipeline stage 2"],
    ['{{"a" | "b"}}', "template: :1: non executable command in pipeline stage 2"],
    ["{{true.A}}", 'template: :1: unexpected . after term "true"'],
    ["{{1.A}}", 'template: :1: bad number syntax: "1.A"'],
    ["{{.A )}}", "template: :1: unexpected right paren"],
    ["{{.A ,}}", 'template: :1: unexpected "," in operand'],
    ["{{if .A}}{{else}}{{else}}{{end}}", "template: :1: expected end; found {{else}}"],
    ["{{break}}", "template: :1: {{break}} outside {{range}}"],
    ["{{continue}}", "template: :1: {{continue}} outside {{range}}"],
    ["{{range .}}{{break 1}}{{end}}", 'template: :1: unexpected "1" in {{break}}'],
    ["{{$a, $b := .}}", "template: :1: too many declarations in command"],
    ["{{range $a, $b, $c := .}}{{end}}", "template: :1: too many declarations in range"],
    ["{{range $a, 1}}{{end}}", "template: :1: range can only initialize variables"],
    ['{{"\\q"}}', "template: :1: invalid syntax"],
    ["{{08}}", 'template: :1: integer overflow: "08"'],
    ["{{99999999999999999999}}", 'template: :1: integer overflow: "99999999999999999999"'],
    ['{{define "x"}}{{end}}', "template: :1: {{define}} is not supported"],
    ['{{template "x"}}', "template: :1: {{template}} is not supported"],
    ["{{'ab'}}", "template: :1: malformed character constant: 'ab'"],
    ["{{nil.A}}", 'template: :1: unexpected . after term "nil"'],
  ];
  for (const [src, message] of cases) assert.equal(parseError(src), message, src);
});

test("the template name appears in errors", () => {
  assert.throws(() => parse("{{nope}}", "fmt", known), { message: 'template: fmt:1: function "nope" not defined' });
});
