import { test } from "node:test";
import assert from "node:assert/strict";
import { ShellExpansionError } from "./errors.ts";
import { processWord, processWords, processWordWithMatches } from "./shell-lex.ts";
import { parseDuration } from "./duration.ts";

test("backtick escape token", () => {
  const env = { X: "1" };
  assert.equal(processWord('c:\\dir`$X `"q`"', env, { escapeToken: "`" }), 'c:\\dir$X "q"');
  assert.equal(processWord('"a``b`$X"', env, { escapeToken: "`" }), "a`b$X");
  assert.deepEqual(processWords("a` b c", env, { escapeToken: "`" }), ["a b", "c"]);
});

test("env forms: record (no prototype lookups), Map, NAME=value list, function", () => {
  assert.equal(processWord("[$toString][${constructor:-unset}]", {}), "[][unset]");
  assert.equal(processWord("$A", new Map([["A", "map"]])), "map");
  assert.equal(processWord("$A-$B.", ["A=1", "B", "A=2"]), "2-.");
  assert.equal(
    processWord("$A", (name) => (name === "A" ? "fn" : undefined)),
    "fn",
  );
});

test("matched and unmatched variables, including inside quotes and defaults", () => {
  const r = processWordWithMatches("\"$A\" ${B:-$C} ${D#$E} '$F'", { A: "a", C: "c", D: "dd", E: "d" });
  assert.equal(r.result, "a c d $F");
  assert.deepEqual([...r.matched].sort(), ["A", "C", "D", "E"]);
  assert.deepEqual([...r.unmatched].sort(), ["B"]);
});

test("word splitting: unquoted expansion splits, quotes and escapes do not, empty quotes vanish", () => {
  const env = { V: " x  y ", E: "" };
  assert.deepEqual(processWords('a$V"b c"\\ d "" $E \'\'', env), ["a", "x", "y", "b c d"]);
  assert.deepEqual(processWords("\u00a0a\u2003b\u0085c", {}), ["a", "b", "c"], "Go's unicode.IsSpace");
});

test("raw options used for heredoc detection", () => {
  assert.equal(processWord("'a'\"b\"", {}, { rawQuotes: true }), "'a'\"b\"");
  assert.equal(processWord("a\\ b", {}, { rawEscapes: true }), "a\\ b");
  assert.equal(processWord("$X ${X} ${X:-d} ${X/a/b}", {}, { skipUnsetEnv: true }), "$X ${X} ${X:-d} ${X/a/b}");
  assert.equal(processWord("'$X' \"q\"", { X: "1" }, { skipProcessQuotes: true }), "'1' \"q\"");
  // BuildKit quirk kept: with raw escapes an escape inside double quotes before an ordinary character is doubled
  assert.equal(processWord('"a\\b"', {}, { rawEscapes: true, rawQuotes: true }), '"a\\\\b"');
});

test("pattern operators use Go regexp semantics", () => {
  const env = { X: "abc", N: "a\nb", P: "a.b.c", S: "x/y/z" };
  assert.equal(processWord("${X//*/-}", env), "-", "no second replacement for the empty match at the end");
  assert.equal(processWord("${X//b*/-}", env), "a-");
  assert.equal(processWord("${X///-}", env), "-a-b-c-");
  const withTemplate = { ...env, R: "[$0$$]" };
  assert.equal(processWord("${X//b/$R}", withTemplate), "a[b$]c", "Go's $0 and $$ in a replace-all");
  assert.equal(processWord("${X/b/$R}", withTemplate), "a[$0$$]c", "a single replacement is literal");
  assert.equal(processWord("${X//b/[\\$0]}", env), "a[\\b]c", "the escape is kept in the replacement");
  assert.equal(processWord("${N#?}", env), "a\nb".slice(1));
  assert.equal(processWord("${N#a?}", env), "a\nb", "? does not match a newline");
  assert.equal(processWord("${P%.*}|${P%%.*}|${P#*.}|${P##*.}", env), "a.b|a|b.c|c");
  assert.equal(processWord("${S//\\//:}", env), "x:y:z");
  assert.throws(() => processWord("${X#\\a}", env), { name: "ShellExpansionError", message: /invalid escape/ });
});

test("errors name the word and BuildKit's reason", () => {
  const cases: [string, string][] = [
    ["${X:?must be set}", "X: must be set"],
    ["${X?}", "X: is not allowed to be unset"],
    ["${E:?}", "E: is not allowed to be empty"],
    ["${X", "syntax error: missing '}'"],
    ["${}", "syntax error: bad substitution"],
    ["${X:=y}", "unsupported modifier (:=) in substitution"],
    ["${X^^}", "unsupported modifier (^) in substitution"],
    ["${X/a", "syntax error: missing '/' in ${}"],
    ["'open", "unexpected end of statement while looking for matching single-quote"],
    ['"open', "unexpected end of statement while looking for matching double-quote"],
    ["${X:-'a}", "syntax error: missing '}'"],
    ["${X:-'a'", "syntax error: missing '}'"],
    ["${X:-'a'b}c'", "unexpected end of statement while looking for matching single-quote"],
  ];
  for (const [word, reason] of cases) {
    assert.throws(
      () => processWord(word, { E: "" }),
      (e: unknown) => {
        assert.ok(e instanceof ShellExpansionError);
        assert.equal(e.reason, reason, word);
        assert.equal(e.message, `failed to process ${JSON.stringify(word)}: ${reason}`);
        return true;
      },
    );
  }
});

test("Go durations", () => {
  assert.equal(parseDuration("1m30s"), 90e9);
  assert.equal(parseDuration("1.5h"), 5400e9);
  assert.equal(parseDuration("300ms"), 300e6);
  assert.equal(parseDuration("2us") + parseDuration("2µs") + parseDuration("2μs"), 6000);
  assert.equal(parseDuration("-.5s"), -5e8);
  assert.equal(parseDuration("0"), 0);
  assert.throws(() => parseDuration("1"), { message: 'time: missing unit in duration "1"' });
  assert.throws(() => parseDuration("1d"), { message: 'time: unknown unit "d" in duration "1d"' });
  assert.throws(() => parseDuration(".s"), { message: 'time: invalid duration ".s"' });
  assert.throws(() => parseDuration("3000000h"), { message: 'time: invalid duration "3000000h"' });
});
