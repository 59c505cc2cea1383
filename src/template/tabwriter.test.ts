import { test } from "node:test";
import assert from "node:assert/strict";
import { displayWidth } from "./display-width.ts";
import { dockerTabwriter, tabwrite } from "./tabwriter.ts";

// Go's text/tabwriter examples (ExampleWriter_Init, Example_elastic).
test("tab padding with a tab stop of 8", () => {
  const out = tabwrite("a\tb\tc\td\t.\n123\t12345\t1234567\t123456789\t.\n\n", {
    minWidth: 0,
    tabWidth: 8,
    padding: 0,
    padChar: "\t",
  });
  assert.equal(out, "a\tb\tc\td\t\t.\n123\t12345\t1234567\t123456789\t.\n\n");
});

test("right-aligned space padding, minimal width 5", () => {
  const out = tabwrite("a\tb\tc\td\t.\n123\t12345\t1234567\t123456789\t.\n\n", {
    minWidth: 5,
    tabWidth: 0,
    padding: 1,
    padChar: " ",
    alignRight: true,
  });
  assert.equal(out, "    a     b       c         d.\n  123 12345 1234567 123456789.\n\n");
});

test("elastic column blocks", () => {
  const out = tabwrite("a\tb\tc\naa\tbb\tcc\naaa\t\naaaa\tdddd\teeee\n", {
    minWidth: 0,
    tabWidth: 0,
    padding: 1,
    padChar: ".",
    alignRight: true,
    debug: true,
  });
  assert.equal(out, "....a|..b|c\n...aa|.bb|cc\n..aaa|\n.aaaa|.dddd|eeee\n");
});

test("docker's settings: min width 10, padding 3", () => {
  const out = tabwrite("IMAGE ID\tREPOSITORY\tSIZE\nabc\talpine\t7MB\ndef\ta-much-longer-name\t100MB\n");
  assert.equal(
    out,
    [
      "IMAGE ID   REPOSITORY           SIZE",
      "abc        alpine               7MB",
      "def        a-much-longer-name   100MB",
      "",
    ].join("\n"),
  );
});

test("the last cell of a line is not a column; unterminated text is kept", () => {
  assert.equal(
    tabwrite("a\tb\nlonger-cell\tc", { ...dockerTabwriter, minWidth: 0, padding: 1 }),
    "a           b\nlonger-cell c",
  );
  assert.equal(tabwrite("no tabs\nhere\n"), "no tabs\nhere\n");
  assert.equal(tabwrite(""), "");
  // a single-cell line ends the column block
  assert.equal(
    tabwrite("a\tb\n-\nlong-long-long\tc\n", { ...dockerTabwriter, minWidth: 0, padding: 1 }),
    "a b\n-\nlong-long-long c\n",
  );
});

test("empty cells are padded, form feeds end blocks", () => {
  assert.equal(tabwrite("\tx\nabc\ty\n", { ...dockerTabwriter, minWidth: 0, padding: 1 }), "    x\nabc y\n");
  assert.equal(tabwrite("a\tb\fabcdef\tc\n", { ...dockerTabwriter, minWidth: 0, padding: 1 }), "a b\nabcdef c\n");
});

test("docker measures display width; Go counts runes", () => {
  assert.equal(displayWidth("日本"), 4);
  assert.equal(displayWidth("e\u0301"), 1);
  const text = "日本\tx\nab\ty\n";
  assert.equal(tabwrite(text, { ...dockerTabwriter, minWidth: 0, padding: 1 }), "日本 x\nab   y\n");
  assert.equal(tabwrite(text, { minWidth: 0, tabWidth: 1, padding: 1, padChar: " " }), "日本 x\nab y\n");
});
