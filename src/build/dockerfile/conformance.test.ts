// BuildKit's own parser and shell-lexer corpora, run in place from /work/shared/conformance/buildkit
// (see its README.md for every format). Nothing is copied into this repository.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chompHeredocContent, heredocsFromLine, parseHeredocWord } from "./heredoc.ts";
import { parseWords } from "./line-parsers.ts";
import { dump, parse } from "./parser.ts";
import { envLookup, processWord, processWords, processWordWithMatches } from "./shell-lex.ts";

const repoRoot = new URL("../../../", import.meta.url);
const corpus = fileURLToPath(new URL("../shared/conformance/buildkit/", repoRoot));
const parserDir = `${corpus}frontend/dockerfile/parser/`;
const shellDir = `${corpus}frontend/dockerfile/shell/`;

interface ParserCases {
  extractHeredocs: { dockerfile: string; childOffset: number; expected: (HeredocCase[] | null)[] };
  jsonFormHasNoHeredocs: { dockerfile: string; children: number[] };
  chompHeredocContent: { input: string; expected: string }[];
  parseHeredocWord: { validNameEOF: string[]; invalid: string[]; notHeredoc: string[] };
  heredocsFromLine: { line: string; names: string[] }[];
  parseWords: { input: string; expected: string[] }[];
  lineNumbers: { file: string; rootStartLine: number; rootEndLine: number; children: [number, number][] };
  emptyContinuationWarnings: {
    dockerfile: string;
    warningCount: number;
    warningShortContains: string[][];
    firstWarningDetailContains: string;
  };
  lineTooLong: { error: string };
}
interface HeredocCase {
  name: string;
  content: string;
  expand: boolean;
  chomp: boolean;
  fileDescriptor: number;
}
type EnvMap = Record<string, string>;
interface ShellCases {
  processWordWithMatches: (
    | { input: string; env: EnvMap; expected: string; matched: string[]; unmatched: string[] }
    | { input: string; env: EnvMap; error: true }
  )[];
  mandatoryEnvVars: (
    { input: string; env: EnvMap; expected: string } | { input: string; env: EnvMap; errorContains: string }
  )[];
  platformTemplate: { input: string; env: EnvMap; expected: string }[];
  envGetterLastWins: { env: string[]; lookup: string; expected: string };
}

const parserCases = JSON.parse(readFileSync(`${corpus}parser-cases.json`, "utf8")) as ParserCases;
const shellCases = JSON.parse(readFileSync(`${corpus}shell-cases.json`, "utf8")) as ShellCases;

/** Cases deliberately not run, each with its reason. */
const skipped: Record<string, string> = {
  "envVarTest W lines": "Windows-only cases (case-insensitive variable names); Hoist expands with Unix semantics",
};

test("corpus: parse and dump every testfiles/<case> (byte for byte)", async (t) => {
  const cases = readdirSync(`${parserDir}testfiles`).sort();
  assert.equal(cases.length, 33, "the README promises 33 cases");
  for (const name of cases) {
    await t.test(name, () => {
      const source = readFileSync(`${parserDir}testfiles/${name}/Dockerfile`);
      const expected = readFileSync(`${parserDir}testfiles/${name}/result`, "utf8");
      assert.equal(dump(parse(source)) + "\n", expected);
    });
  }
});

test("corpus: every testfiles-negative/<case> fails to parse", async (t) => {
  const cases = readdirSync(`${parserDir}testfiles-negative`).sort();
  assert.equal(cases.length, 4);
  for (const name of cases) {
    await t.test(name, () => {
      assert.throws(() => parse(readFileSync(`${parserDir}testfiles-negative/${name}/Dockerfile`)), {
        name: "DockerfileError",
      });
    });
  }
});

test("corpus: testfile-line line numbers", () => {
  const expected = parserCases.lineNumbers;
  const result = parse(readFileSync(`${corpus}${expected.file}`));
  assert.equal(result.startLine, expected.rootStartLine);
  assert.equal(result.endLine, expected.rootEndLine);
  assert.deepEqual(
    result.instructions.map((n) => [n.startLine, n.endLine]),
    expected.children,
  );
});

test("corpus: shell/envVarTest (processWord)", async (t) => {
  const env = ["PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="];
  let lines = 0;
  for (const raw of readFileSync(`${shellDir}envVarTest`, "utf8").split("\n")) {
    if (raw.startsWith("#") || raw.trim() === "") continue;
    const fields = raw.trim().split("|");
    assert.equal(fields.length, 3, `malformed line ${JSON.stringify(raw)}`);
    const [platform = "", input = "", expected = ""] = fields.map((f) => f.trim());
    assert.ok(["A", "U", "W"].includes(platform), `bad platform in ${JSON.stringify(raw)}`);
    lines++;
    await t.test(`${platform}|${input}`, { skip: platform === "W" ? skipped["envVarTest W lines"] : false }, () => {
      let got: string;
      try {
        got = processWord(input, env);
      } catch {
        got = "error";
      }
      assert.equal(got, expected);
    });
  }
  assert.equal(lines, 230, "the README promises 230 case lines");
});

test("corpus: shell/wordsTest (processWords)", async (t) => {
  const env: string[] = [];
  let cases = 0;
  for (const line of readFileSync(`${shellDir}wordsTest`, "utf8").split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("ENV ")) {
      env.push(line.slice(3).replace(/^ +/, ""));
      continue;
    }
    const bar = line.indexOf("|");
    assert.ok(bar >= 0 && line.indexOf("|", bar + 1) < 0, `malformed line ${JSON.stringify(line)}`);
    const input = line.slice(0, bar).trim();
    const expected = line
      .slice(bar + 1)
      .replace(/^ +/, "")
      .split(",");
    const snapshot = [...env];
    cases++;
    await t.test(input, () => {
      let got: string[];
      try {
        got = processWords(input, snapshot);
      } catch {
        got = ["error"];
      }
      assert.deepEqual(got, expected);
    });
  }
  assert.ok(cases >= 20, `only ${cases} cases found`);
});

test("corpus: parser-cases.json#extractHeredocs", async (t) => {
  const { dockerfile, childOffset, expected } = parserCases.extractHeredocs;
  const nodes = parse(dockerfile).instructions;
  assert.equal(nodes.length, expected.length + childOffset);
  for (const [k, want] of expected.entries()) {
    const node = nodes[k + childOffset];
    await t.test(`${k}: ${node?.original ?? "?"}`, () => {
      const got = node?.heredocs.map(({ name, content, expand, chomp, fileDescriptor }) => ({
        name,
        content,
        expand,
        chomp,
        fileDescriptor,
      }));
      assert.deepEqual(got?.length === 0 ? null : got, want);
    });
  }
});

test("corpus: parser-cases.json#jsonFormHasNoHeredocs", () => {
  const { dockerfile, children } = parserCases.jsonFormHasNoHeredocs;
  const nodes = parse(dockerfile).instructions;
  for (const i of children) {
    assert.equal(nodes[i]?.json, true);
    assert.deepEqual(nodes[i]?.heredocs, []);
  }
});

test("corpus: parser-cases.json#chompHeredocContent", () => {
  for (const { input, expected } of parserCases.chompHeredocContent) assert.equal(chompHeredocContent(input), expected);
});

test("corpus: parser-cases.json#parseHeredocWord", async (t) => {
  const { validNameEOF, invalid, notHeredoc } = parserCases.parseHeredocWord;
  for (const word of validNameEOF)
    await t.test(`valid ${word}`, () => assert.equal(parseHeredocWord(word)?.name, "EOF"));
  for (const word of invalid) await t.test(`invalid ${word}`, () => assert.throws(() => parseHeredocWord(word)));
  for (const word of notHeredoc) {
    await t.test(`not a heredoc ${JSON.stringify(word)}`, () => assert.equal(parseHeredocWord(word), undefined));
  }
});

test("corpus: parser-cases.json#heredocsFromLine", async (t) => {
  for (const { line, names } of parserCases.heredocsFromLine) {
    await t.test(line, () => {
      const docs = heredocsFromLine(line);
      // the Go test checks names[i] only; we also check the count
      assert.deepEqual(
        docs.map((d) => d.name),
        names,
      );
    });
  }
});

test("corpus: parser-cases.json#parseWords", () => {
  for (const { input, expected } of parserCases.parseWords) assert.deepEqual(parseWords(input), expected, input);
});

test("corpus: parser-cases.json#emptyContinuationWarnings", () => {
  const c = parserCases.emptyContinuationWarnings;
  const { warnings } = parse(c.dockerfile);
  assert.equal(warnings.length, c.warningCount);
  for (const [i, parts] of c.warningShortContains.entries()) {
    for (const part of parts) assert.ok(warnings[i]?.short.includes(part), `warning ${i} lacks ${part}`);
  }
  assert.ok(warnings[0]?.detail[0]?.includes(c.firstWarningDetailContains));
});

test("corpus: parser-cases.json#lineTooLong", () => {
  const dockerfile = `\n\t\tFROM image\n\t\tLABEL test=${"a".repeat(65536)}\n`;
  assert.throws(() => parse(dockerfile), { message: parserCases.lineTooLong.error });
  // the limit is on bytes: a 65535-byte line fits, one more byte does not
  const line = (bytes: number) => `LABEL a=${"x".repeat(bytes % 2)}${"\u00e9".repeat(Math.floor((bytes - 8) / 2))}`;
  assert.equal(Buffer.byteLength(line(65535)), 65535);
  assert.equal(parse(`FROM image\n${line(65535)}\n`).instructions.length, 2);
  assert.throws(() => parse(`FROM image\n${line(65536)}`), { message: parserCases.lineTooLong.error });
});

test("corpus: shell-cases.json#processWordWithMatches", async (t) => {
  for (const c of shellCases.processWordWithMatches) {
    await t.test(`${c.input} ${JSON.stringify(c.env)}`, () => {
      if ("error" in c) {
        assert.throws(() => processWordWithMatches(c.input, c.env), { name: "ShellExpansionError" });
        return;
      }
      const r = processWordWithMatches(c.input, c.env);
      assert.equal(r.result, c.expected);
      assert.deepEqual([...r.matched].sort(), c.matched);
      assert.deepEqual([...r.unmatched].sort(), c.unmatched);
    });
  }
});

test("corpus: shell-cases.json#mandatoryEnvVars and #platformTemplate", async (t) => {
  for (const c of [...shellCases.mandatoryEnvVars, ...shellCases.platformTemplate]) {
    await t.test(`${c.input} ${JSON.stringify(c.env)}`, () => {
      if ("errorContains" in c) {
        assert.throws(
          () => processWord(c.input, c.env),
          (e: Error) => e.message.includes(c.errorContains),
        );
      } else assert.equal(processWord(c.input, c.env), c.expected);
    });
  }
});

test("corpus: shell-cases.json#envGetterLastWins", () => {
  const { env, lookup, expected } = shellCases.envGetterLastWins;
  assert.equal(envLookup(env)(lookup), expected);
  assert.equal(processWord(`$${lookup}`, env), expected);
});
