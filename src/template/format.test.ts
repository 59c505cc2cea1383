import { test } from "node:test";
import assert from "node:assert/strict";
import { formatList, parseFormat, renderLines } from "./format.ts";
import { compile } from "./template.ts";

test("parseFormat: table prefix, json, trimmed spaces, literal \\t and \\n", () => {
  assert.deepEqual(parseFormat("table {{.ID}}\\t{{.Name}}"), { table: true, template: "{{.ID}}\t{{.Name}}" });
  assert.deepEqual(parseFormat("  {{.ID}}\\n  "), { table: false, template: "{{.ID}}\n" });
  assert.deepEqual(parseFormat("table"), { table: true, template: "" });
  assert.deepEqual(parseFormat("json"), { table: false, template: "{{json .}}" });
  assert.deepEqual(parseFormat("{{.A}}\t{{.B}}"), { table: false, template: "{{.A}}\t{{.B}}" });
});

test("renderLines renders once per item", () => {
  assert.deepEqual(
    renderLines("{{.Name}}:{{.Tag}}", [
      { Name: "a", Tag: "1" },
      { Name: "b", Tag: "2" },
    ]),
    ["a:1", "b:2"],
  );
  const t = compile("{{.}}");
  assert.deepEqual(renderLines(t, new Set([1, 2])), ["1", "2"]);
});

const images = [
  { ID: "77af4d6b9913", Repository: "hoist/app", Tag: "latest", Size: "5.58MB" },
  { ID: "b6fa739cedf5", Repository: "alpine", Tag: "3.20", Size: "7.8MB" },
];
const header = { ID: "IMAGE ID", Repository: "REPOSITORY", Tag: "TAG", Size: "SIZE" };

test("formatList without table: one line per item", () => {
  assert.equal(
    formatList("{{.ID}}: {{.Repository}}", images, { header }),
    "77af4d6b9913: hoist/app\nb6fa739cedf5: alpine\n",
  );
  assert.equal(formatList("{{.ID}}", [], { header }), "");
  assert.equal(formatList("json", [{ A: 1 }]), '{"A":1}\n');
});

test("formatList with table: header row and aligned columns", () => {
  const out = formatList("table {{.ID}}\\t{{.Repository}}\\t{{.Tag}}\\t{{.Size}}", images, { header });
  assert.equal(
    out,
    [
      "IMAGE ID       REPOSITORY   TAG       SIZE",
      "77af4d6b9913   hoist/app    latest    5.58MB",
      "b6fa739cedf5   alpine       3.20      7.8MB",
      "",
    ].join("\n"),
  );
  assert.equal(formatList("table {{.ID}}", [], { header }), "IMAGE ID\n");
});

test("table headers keep their titles through docker's header functions", () => {
  const out = formatList("table {{lower .Repository}}\\t{{json .Tag}}\\t{{truncate .ID 4}}", images, { header });
  assert.equal(
    out,
    ["REPOSITORY   TAG        IMAGE ID", 'hoist/app    "latest"   77af', 'alpine       "3.20"     b6fa', ""].join("\n"),
  );
  // pad is not a header function: it pads the header too, keeping the columns aligned
  assert.equal(formatList("table {{pad .Tag 1 1}}|", images.slice(1), { header }), " TAG |\n 3.20 |\n");
});

test("header errors are ignored, keeping what was printed", () => {
  const out = formatList('table {{.ID}}\\t{{.Label "x"}}', [{ ID: "a", Label: () => "lbl" }], { header: { ID: "ID" } });
  assert.equal(out, "ID        \na         lbl\n");
});

test("bare table uses the default table template", () => {
  const out = formatList("table", images, { header, defaultTable: "{{.Repository}}\t{{.Tag}}" });
  assert.equal(out, "REPOSITORY   TAG\nhoist/app    latest\nalpine       3.20\n");
});
