import { test } from "node:test";
import assert from "node:assert/strict";
import { DockerfileError } from "./errors.ts";
import { dump, parse } from "./parser.ts";

const lines = (...l: string[]) => l.join("\n") + "\n";

test("escape directive: backtick continues lines and keeps backslashes", () => {
  const r = parse(lines("# escape=`", "FROM windows", "RUN dir c:\\ `", "  /w", 'ENV A="x`"y" B=c:\\d'));
  assert.equal(r.escapeToken, "`");
  assert.equal(dump(r), '(from "windows")\n(run "dir c:\\\\   /w")\n(env "A" "\\"x`\\"y\\"" "=" "B" "c:\\\\d" "=")');
});

test("directives are recorded, case-insensitively, only at the top", () => {
  const r = parse(lines("# Syntax = docker/dockerfile:1  ", "#check=skip=all", "# escape=`", "FROM a", "# escape=\\"));
  assert.deepEqual(r.directives, [
    { name: "syntax", value: "docker/dockerfile:1", line: 1 },
    { name: "check", value: "skip=all", line: 2 },
    { name: "escape", value: "`", line: 3 },
  ]);
  assert.equal(parse(lines("", "# escape=`", "FROM a")).escapeToken, "\\", "a blank line ends the directives");
  assert.equal(parse(lines("# unknown=x", "# escape=`", "FROM a")).escapeToken, "\\");
});

test("bad directives fail with their line", () => {
  assert.throws(() => parse(lines("# syntax=a", "# syntax=b", "FROM a")), {
    name: "DockerfileError",
    message: "only one syntax parser directive can be used",
    line: 2,
  });
  assert.throws(() => parse("# escape=x\nFROM a"), {
    message: "invalid escape token 'x' does not match ` or \\",
    line: 1,
  });
});

test("BOM, CRLF and comments", () => {
  const r = parse(new TextEncoder().encode("\uFEFFFROM a\r\n# note\r\nRUN x \\\r\n  # inside\r\n  y\r\n"));
  assert.equal(dump(r), '(from "a")\n(run "x   y")');
  assert.deepEqual(
    r.instructions.map((n) => [n.startLine, n.endLine]),
    [
      [1, 1],
      [3, 5],
    ],
  );
  assert.deepEqual(r.instructions[1]?.comments, ["note"]);
  assert.equal(dump(parse("\uFEFF# escape=`\nFROM a `\n b")), '(from "a" "b")');
});

test("keyword case is kept, the dump lower-cases it; unknown instructions keep one empty argument", () => {
  const r = parse(lines("from a", "Run  x", "FOO bar baz", "NOARGS"));
  assert.deepEqual(
    r.instructions.map((n) => [n.keyword, n.name]),
    [
      ["from", "from"],
      ["Run", "run"],
      ["FOO", "foo"],
      ["NOARGS", "noargs"],
    ],
  );
  assert.equal(dump(r), '(from "a")\n(run "x")\n(foo "")\n(noargs "")');
});

test("flags: quotes removed, backslash escapes, -- ends them", () => {
  const r = parse(
    lines("FROM a", 'COPY --from="my stage" --chown=a\\ b -- --not-a-flag /x', "RUN --mount=type=cache,target=/x"),
  );
  assert.deepEqual(r.instructions[1]?.flags, ["--from=my stage", "--chown=a b"]);
  assert.deepEqual(r.instructions[1]?.args, ["--not-a-flag", "/x"]);
  assert.deepEqual(r.instructions[2]?.flags, ["--mount=type=cache,target=/x"]);
  assert.deepEqual(r.instructions[2]?.args, []);
});

test("exec form: JSON strings are decoded; invalid JSON is shell form", () => {
  const r = parse(lines('CMD ["a\\u00e9", "\\ud83d\\ude00", "tab\\there"]', "CMD [a, b]", 'ENTRYPOINT ["x",]'));
  assert.deepEqual(r.instructions[0]?.args, ["aé", "😀", "tab\there"]);
  assert.equal(r.instructions[0]?.json, true);
  assert.deepEqual(r.instructions[1]?.args, ["[a, b]"]);
  assert.equal(r.instructions[2]?.json, false);
  // Go prints non-printable runes escaped; a lone surrogate decodes to U+FFFD, which is printable
  assert.equal(dump(parse('CMD ["\\u0085", "\\u00a0x", "\\ud800"]')), '(cmd "\\u0085" "\\u00a0x" "\uFFFD")');
});

test("parse errors carry the instruction's line range", () => {
  const cases: [string, string, number, number][] = [
    [lines("FROM a", "", "ENV PATH"), "ENV must have two arguments", 3, 3],
    [
      lines("FROM a", "LABEL a=b \\", "  c"),
      `Syntax error - can't find = in "c". Must be of the form: name=value`,
      2,
      3,
    ],
    [
      lines("FROM a", "RUN [1, \\", '"b"]'),
      "when using JSON array syntax, arrays must be comprised of strings only",
      2,
      3,
    ],
    [lines("FROM a", "RUN <<EOF", "body"), "unterminated heredoc", 2, 3],
    [lines("# only a comment"), "file with no instructions", 1, 1],
  ];
  for (const [source, message, line, endLine] of cases) {
    assert.throws(
      () => parse(source),
      (e: unknown) => {
        assert.ok(e instanceof DockerfileError);
        assert.equal(e.code, "INVALID_ARGUMENT");
        assert.deepEqual([e.message, e.line, e.endLine], [message, line, endLine]);
        return true;
      },
    );
  }
});

test("heredoc bodies are taken out of the instruction stream and counted in its lines", () => {
  const r = parse(
    lines(
      "FROM a",
      "RUN <<EOF bash",
      "FROM not-an-instruction",
      "EOF",
      "COPY <<-A <<B /dst",
      "\ta",
      "\tA",
      "b",
      "B",
      "USER me",
    ),
  );
  assert.equal(dump(r), '(from "a")\n(run "<<EOF bash")\n(copy "<<-A" "<<B" "/dst")\n(user "me")');
  const [, run, copy, user] = r.instructions;
  assert.deepEqual([run?.startLine, run?.endLine, copy?.startLine, copy?.endLine, user?.startLine], [2, 4, 5, 9, 10]);
  assert.deepEqual(
    copy?.heredocs.map((h) => [h.name, h.content, h.chomp]),
    [
      ["A", "\ta\n", true],
      ["B", "b\n", false],
    ],
  );
});

test("heredocs: ONBUILD-wrapped, not in JSON form, not for other instructions, quoted names", () => {
  const r = parse(
    lines("FROM a", "ONBUILD RUN <<EOF", "x", "EOF", 'RUN ["<<EOF"]', "CMD <<EOF", "EOF", "RUN 2<<'A B'", "$x", "A B"),
  );
  assert.equal(r.instructions[1]?.heredocs[0]?.content, "x\n");
  assert.equal(r.instructions[1]?.sub?.name, "run");
  assert.deepEqual(r.instructions[2]?.heredocs, []);
  assert.equal(r.instructions[4]?.keyword, "EOF", "CMD has no heredocs, so its terminator is an instruction");
  assert.deepEqual(r.instructions[5]?.heredocs, [
    { name: "A B", fileDescriptor: 2, expand: false, chomp: false, content: "$x\n" },
  ]);
});

test("empty continuation lines warn; comment lines do not", () => {
  const r = parse(lines("FROM a", "RUN a \\", "", "  b", "RUN c \\", "# comment", "  d"));
  assert.equal(r.warnings.length, 1);
  assert.equal(r.warnings[0]?.short, "Empty continuation line found in: RUN a   b");
  assert.deepEqual([r.warnings[0]?.startLine, r.warnings[0]?.endLine], [2, 4]);
});

test("ENV, LABEL and ARG keep quotes and escapes for expansion to remove", () => {
  const r = parse(lines("FROM a", 'ENV a="x y" b=c\\ d e=', "LABEL legacy value with  spaces", "ARG x='1 2' y"));
  assert.deepEqual(r.instructions[1]?.args, ["a", '"x y"', "=", "b", "c\\ d", "=", "e", "", "="]);
  assert.deepEqual(r.instructions[2]?.args, ["legacy", "value with  spaces", ""]);
  assert.deepEqual(r.instructions[3]?.args, ["x='1 2'", "y"]);
});

test("ONBUILD wraps a whole instruction, nested ones included, on the same lines", () => {
  const r = parse(lines("FROM a", "ONBUILD ONBUILD COPY --from=x a \\", "  b", "ONBUILD"));
  assert.equal(dump(r), '(from "a")\n(onbuild (onbuild (copy ["--from=x"] "a" "b")))\n(onbuild)');
  const nested = r.instructions[1]?.sub?.sub;
  assert.deepEqual(
    [nested?.keyword, nested?.original, nested?.startLine, nested?.endLine],
    ["COPY", "COPY --from=x a   b", 2, 3],
  );
});
