import { test } from "node:test";
import assert from "node:assert/strict";
import { DockerfileError } from "./errors.ts";
import type { Command, Instruction } from "./instruction-types.ts";
import { parseInstruction } from "./instructions.ts";
import { parse } from "./parser.ts";

/** The typed instructions of a Dockerfile (FROM first so that nothing is out of place). */
function typed(...lines: string[]): Instruction[] {
  return parse(lines.join("\n")).instructions.map(parseInstruction);
}

function one<K extends Command["kind"]>(kind: K, line: string): Extract<Command, { kind: K }> {
  const inst = typed(line)[0];
  assert.equal(inst?.kind, kind);
  return inst as Extract<Command, { kind: K }>;
}

function fails(line: string, message: string): void {
  assert.throws(
    () => typed("FROM a", line),
    (e: unknown) => {
      assert.ok(e instanceof DockerfileError, String(e));
      assert.equal(e.message, `dockerfile parse error on line 2: ${message}`);
      assert.deepEqual([e.line, e.endLine], [2, 2]);
      return true;
    },
  );
}

test("FROM: image, AS name (lower-cased), --platform, comment", () => {
  const [from] = typed("# builder compiles things", "FROM --platform=$BUILDPLATFORM golang:1 AS Builder");
  assert.deepEqual(from, {
    kind: "from",
    keyword: "FROM",
    original: "FROM --platform=$BUILDPLATFORM golang:1 AS Builder",
    location: { startLine: 2, endLine: 2 },
    baseName: "golang:1",
    stageName: "builder",
    platform: "$BUILDPLATFORM",
    comment: "compiles things",
  });
  fails("FROM a b", "FROM requires either one or three arguments");
  fails(
    "FROM a AS 9lives",
    `invalid name for build stage: "9lives", name can't start with a number or contain symbols`,
  );
  fails("FROM --nope=1 a", "Unknown flag: nope");
});

test("RUN: shell and exec form, heredoc files, flags", () => {
  const run = one("run", "RUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t --network=host echo hi");
  assert.deepEqual(run.cmdLine, ["echo hi"]);
  assert.equal(run.prependShell, true);
  assert.deepEqual(run.mounts, ["type=cache,target=/c", "type=tmpfs,target=/t"]);
  assert.equal(run.network, "host");
  assert.deepEqual(run.flagsUsed, ["mount", "network"]);
  const exec = one("run", 'RUN ["echo", "hi"]');
  assert.deepEqual([exec.cmdLine, exec.prependShell], [["echo", "hi"], false]);
  const [, heredoc] = typed("FROM a", "RUN <<-EOF", "\techo x", "EOF");
  assert.deepEqual(heredoc?.kind === "run" && heredoc.files, [{ name: "EOF", data: "\techo x\n", chomp: true }]);
  fails("RUN --network=bridge x", 'unsupported network mode "bridge"');
  fails("RUN --security=x y", 'unsupported security mode "x"');
  fails("RUN --mount=type=bind,from=$X x", "'from' doesn't support variable expansion, define alias stage instead");
  fails("RUN --mount=target x", "invalid field 'target' must be a key=value pair");
  fails("RUN --network x", "Missing a value on flag: network");
});

test("CMD, ENTRYPOINT, SHELL", () => {
  assert.deepEqual(one("cmd", "CMD []").cmdLine, []);
  assert.deepEqual(one("cmd", "CMD echo  $HOME").cmdLine, ["echo  $HOME"]);
  assert.equal(one("entrypoint", "ENTRYPOINT []").cmdLine, null);
  assert.equal(one("entrypoint", "ENTRYPOINT").cmdLine, null);
  assert.deepEqual(one("shell", 'SHELL ["pwsh", "-c"]').shell, ["pwsh", "-c"]);
  fails("SHELL pwsh -c", "SHELL requires the arguments to be in JSON form");
  fails("SHELL []", "SHELL requires at least one argument");
  fails("CMD --x=1 a", "Unknown flag: x");
});

test("ENV and LABEL: pairs as written, legacy form marked", () => {
  assert.deepEqual(one("env", 'ENV A=1 B="two words"').env, [
    { key: "A", value: "1", legacyForm: false },
    { key: "B", value: '"two words"', legacyForm: false },
  ]);
  assert.deepEqual(one("label", "LABEL maintainer Jane Doe").labels, [
    { key: "maintainer", value: "Jane Doe", legacyForm: true },
  ]);
  fails("ENV", "ENV requires at least one argument");
  fails("ENV =x", "ENV names can not be blank");
  fails("LABEL --x=1 a=b", "Unknown flag: x");
});

test("ADD and COPY: sources, heredoc contents, destination, every flag", () => {
  const add = one(
    "add",
    "ADD --chown=1:2 --chmod=0644 --link --keep-git-dir=true --checksum=sha256:abc --exclude=*.md --exclude=.git --unpack=false https://x/y.tar a /dst/",
  );
  assert.deepEqual(
    { ...add, keyword: undefined, original: undefined, location: undefined },
    {
      kind: "add",
      keyword: undefined,
      original: undefined,
      location: undefined,
      sources: ["https://x/y.tar", "a"],
      sourceContents: [],
      dest: "/dst/",
      chown: "1:2",
      chmod: "0644",
      link: true,
      exclude: ["*.md", ".git"],
      keepGitDir: true,
      checksum: "sha256:abc",
      unpack: false,
    },
  );
  assert.equal("unpack" in one("add", "ADD a b"), false);
  const copy = one("copy", "COPY --from=build --parents --link=false --exclude=x ./a/b ./c /dst");
  assert.deepEqual(
    [copy.from, copy.parents, copy.link, copy.exclude, copy.sources, copy.dest],
    ["build", true, false, ["x"], ["./a/b", "./c"], "/dst"],
  );
  const [, heredocs] = typed("FROM a", "COPY <<-'A' b <<B /dst", "\t$x", "A", "y", "B");
  assert.ok(heredocs?.kind === "copy");
  assert.deepEqual(heredocs.sources, ["b"]);
  assert.deepEqual(heredocs.sourceContents, [
    { path: "A", data: "$x\n", expand: false },
    { path: "B", data: "y\n", expand: true },
  ]);
  fails(
    "COPY a",
    "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
  );
  fails('COPY ["a", "<<EOF"]', "COPY cannot accept a heredoc as a destination");
  fails("COPY --keep-git-dir a b", "Unknown flag: keep-git-dir");
  fails("ADD --from=x a b", "Unknown flag: from");
  fails("COPY --link=yes a b", "Expecting boolean value for flag link, not: yes");
  fails("COPY --link= a b", "Missing a value on flag: link");
  fails("COPY --from=a --from=b c d", "Duplicate flag specified: from");
});

test("HEALTHCHECK: NONE, CMD forms, durations, retries", () => {
  assert.deepEqual(one("healthcheck", "HEALTHCHECK NONE").health.test, ["NONE"]);
  const h = one(
    "healthcheck",
    "HEALTHCHECK --interval=30s --timeout=1m --start-period=0s --start-interval=500ms --retries=0 CMD curl -f x",
  );
  assert.deepEqual(h.health, {
    test: ["CMD-SHELL", "curl -f x"],
    interval: 30e9,
    timeout: 60e9,
    startPeriod: 0,
    startInterval: 5e8,
    retries: 0,
  });
  assert.deepEqual(one("healthcheck", 'HEALTHCHECK cmd ["a", "b"]').health.test, ["CMD", "a", "b"]);
  fails("HEALTHCHECK", "HEALTHCHECK requires at least one argument");
  fails("HEALTHCHECK NONE x", "HEALTHCHECK NONE takes no arguments");
  fails("HEALTHCHECK CMD", "Missing command after HEALTHCHECK CMD");
  fails("HEALTHCHECK WAIT x", 'Unknown type "WAIT" in HEALTHCHECK (try CMD)');
  fails("HEALTHCHECK --timeout=10us CMD x", 'Interval "timeout" cannot be less than 1ms');
  fails("HEALTHCHECK --retries=-1 CMD x", "--retries cannot be negative (-1)");
  fails("HEALTHCHECK --retries=x CMD x", 'strconv.ParseInt: parsing "x": invalid syntax');
  fails("HEALTHCHECK --interval=5 CMD x", 'time: missing unit in duration "5"');
});

test("the single-argument instructions", () => {
  assert.equal(one("user", "USER app:app").user, "app:app");
  assert.equal(one("workdir", "WORKDIR /my dir").path, "/my dir");
  assert.equal(one("stopsignal", "STOPSIGNAL SIGKILL").signal, "SIGKILL");
  assert.equal(one("maintainer", "MAINTAINER Jane <j@x>").maintainer, "Jane <j@x>");
  assert.deepEqual(one("expose", "EXPOSE 8080/udp 80 443").ports, ["443", "80", "8080/udp"]);
  assert.deepEqual(one("volume", 'VOLUME ["/a", " /b "]').volumes, ["/a", "/b"]);
  fails("USER", "USER requires exactly one argument");
  fails("WORKDIR", "WORKDIR requires exactly one argument");
  fails("STOPSIGNAL", "STOPSIGNAL requires exactly one argument");
  fails("EXPOSE", "EXPOSE requires at least one argument");
  fails('VOLUME ["/a", " "]', "VOLUME specified can not be an empty string");
});

test("ARG: several definitions, optional values, comments", () => {
  const [arg] = typed("# VERSION the release to build", "ARG VERSION=1.0 DEBUG NAME='a b'");
  assert.ok(arg?.kind === "arg");
  assert.deepEqual(arg.args, [
    { key: "VERSION", value: "1.0", comment: "the release to build" },
    { key: "DEBUG" },
    { key: "NAME", value: "'a b'" },
  ]);
  fails("ARG", "ARG requires at least one argument");
  fails("ARG =1", "ARG names can not be blank");
});

test("ONBUILD: trigger, expression with heredocs, forbidden triggers", () => {
  const [, onbuild] = typed("FROM a", "  onbuild   RUN <<EOF", "echo hi", "EOF");
  assert.ok(onbuild?.kind === "onbuild");
  assert.deepEqual([onbuild.trigger, onbuild.expression], ["RUN", "RUN <<EOF\necho hi\nEOF"]);
  fails("ONBUILD ONBUILD RUN x", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  fails("ONBUILD FROM x", "FROM isn't allowed as an ONBUILD trigger");
  fails("ONBUILD maintainer x", "MAINTAINER isn't allowed as an ONBUILD trigger");
  fails("ONBUILD", "ONBUILD requires at least one argument");
});

test("unknown instructions, with a suggestion when it looks like a typo", () => {
  fails("FORM a", "unknown instruction: FORM (did you mean FROM?)");
  fails("cpy a b", "unknown instruction: cpy (did you mean COPY?)");
  fails("BANANA a", "unknown instruction: BANANA");
});
