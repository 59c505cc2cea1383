// `hoist build` end to end on a busybox base: instructions and config, multi-stage, .dockerignore, ONBUILD,
// heredocs, whiteouts, build args, the cache across processes, reproducible builds, and bad input.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { join } from "node:path";
import { busyboxTar, hoist, hoistBin, ok, removeDir, tempDir } from "./helpers.ts";
import { describeTree, withImageFs } from "../../src/build/test-helpers.ts";

let root = "";
let work = "";

before(() => {
  root = tempDir("hoist-build-");
  work = tempDir("hoist-build-ctx-");
  ok(root, ["import", busyboxTar(), "busybox:latest"]);
});

after(() => {
  removeDir(root);
  removeDir(work);
});

let n = 0;
/** A fresh context directory with these files (a string is the content; a mode may be given). */
function context(files: Record<string, string | { data: string; mode?: number } | { link: string }>): string {
  const dir = join(work, `ctx${n++}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, v] of Object.entries(files)) {
    const p = join(dir, name);
    fs.mkdirSync(join(p, ".."), { recursive: true });
    if (typeof v === "string") fs.writeFileSync(p, v);
    else if ("link" in v) fs.symlinkSync(v.link, p);
    else fs.writeFileSync(p, v.data, { mode: v.mode ?? 0o644 });
  }
  return dir;
}

function build(dir: string, args: string[] = [], env?: NodeJS.ProcessEnv) {
  return hoist(root, ["build", "--progress=plain", ...args, dir], env ? { env } : {});
}

function built(dir: string, args: string[] = []): string {
  const r = build(dir, ["--iidfile", join(dir, ".iid"), ...args]);
  assert.equal(r.code, 0, r.stderr);
  return fs.readFileSync(join(dir, ".iid"), "utf8");
}

function config(ref: string): Record<string, unknown> {
  return JSON.parse(ok(root, ["inspect", "--format", "{{json .Config}}", ref])) as Record<string, unknown>;
}

function cat(ref: string, path: string): string | undefined {
  return withImageFs(root, ref, (dir) => {
    try {
      return fs.readFileSync(join(dir, path), "utf8");
    } catch {
      return undefined;
    }
  });
}

test("a single-stage app: ENV, WORKDIR (created), COPY, EXPOSE, CMD; runs", () => {
  const dir = context({
    "app.sh": { data: '#!/bin/sh\necho "hello from $APP_NAME in $(pwd)"\n', mode: 0o755 },
    Dockerfile:
      'FROM busybox\nENV APP_NAME=demo\nWORKDIR /srv/app\nCOPY app.sh .\nEXPOSE 8080 53/udp\nCMD ["./app.sh"]\n',
  });
  built(dir, ["-t", "demo:1"]);
  const c = config("demo:1");
  assert.ok((c.Env as string[]).includes("APP_NAME=demo"));
  assert.equal(c.WorkingDir, "/srv/app");
  assert.deepEqual(c.ExposedPorts, { "8080/tcp": {}, "53/udp": {} });
  assert.deepEqual(c.Cmd, ["./app.sh"]);
  assert.equal(cat("demo:1", "srv/app/app.sh")?.startsWith("#!/bin/sh"), true);
  withImageFs(root, "demo:1", (fsDir) => assert.equal(fs.statSync(join(fsDir, "srv/app/app.sh")).mode & 0o777, 0o755));
  assert.equal(ok(root, ["run", "--rm", "demo:1"]).trim(), "hello from demo in /srv/app");
  const history = ok(root, ["history", "demo:1"]);
  assert.match(history, /<missing>\s+.*ENV APP_NAME=demo\s+0B/);
  assert.match(history, /COPY app\.sh \. # buildkit/);
});

test("ENTRYPOINT with CMD as default arguments, replaced by run-time arguments", () => {
  const dir = context({ Dockerfile: 'FROM busybox\nENTRYPOINT ["echo", "entry:"]\nCMD ["default"]\n' });
  built(dir, ["-t", "entry:1"]);
  assert.equal(ok(root, ["run", "--rm", "entry:1"]).trim(), "entry: default");
  assert.equal(ok(root, ["run", "--rm", "entry:1", "given", "args"]).trim(), "entry: given args");
  const reset = context({ Dockerfile: "FROM entry:1\nENTRYPOINT echo shell-form\n" });
  built(reset, ["-t", "entry:2"]);
  const c = config("entry:2");
  assert.deepEqual(c.Entrypoint, ["/bin/sh", "-c", "echo shell-form"]);
  assert.equal(c.Cmd ?? null, null, "ENTRYPOINT drops the base image's CMD");
  const keep = context({ Dockerfile: 'FROM busybox\nCMD ["kept"]\nENTRYPOINT ["echo"]\n' });
  built(keep, ["-t", "entry:3"]);
  assert.deepEqual(config("entry:3").Cmd, ["kept"], "a CMD set in the same stage stays");
});

test("multi-stage: COPY --from a stage (by name and index), --target builds only what it needs", () => {
  const dir = context({
    Dockerfile: [
      "FROM busybox AS broken",
      "RUN exit 7",
      "FROM busybox AS builder",
      "RUN mkdir /out && echo built > /out/artifact && echo two > /out/second",
      "FROM busybox",
      "COPY --from=builder /out/artifact /app/",
      "COPY --from=1 /out/second /app/second",
      'CMD ["cat", "/app/artifact"]',
      "",
    ].join("\n"),
  });
  built(dir, ["-t", "multi:1"]);
  assert.equal(cat("multi:1", "app/artifact"), "built\n");
  assert.equal(cat("multi:1", "app/second"), "two\n");
  built(dir, ["-t", "multi:builder", "--target", "builder"]);
  assert.equal(cat("multi:builder", "out/artifact"), "built\n");
  const bad = build(dir, ["--target", "nope"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /target stage "nope" could not be found/);
  const all = build(dir, ["--target", "broken"]);
  assert.equal(all.code, 1, "the broken stage fails when it is the target");
  assert.match(all.stderr, /returned a non-zero code: 7/);
});

test(".dockerignore with exceptions (and <Dockerfile>.dockerignore taking precedence)", () => {
  const dir = context({
    Dockerfile: "FROM busybox\nCOPY . /ctx/\n",
    ".dockerignore": "# comment\n*.log\n!keep.log\nsecret\n**/*.tmp\n",
    "a.txt": "a",
    "x.log": "x",
    "keep.log": "k",
    "secret/key": "s",
    "deep/er/f.tmp": "t",
    "deep/er/g.txt": "g",
  });
  built(dir, ["-t", "ignore:1"]);
  withImageFs(root, "ignore:1", (d) => {
    const files = [...describeTree(join(d, "ctx")).keys()];
    assert.deepEqual(files.sort(), [
      ".dockerignore",
      "Dockerfile",
      "a.txt",
      "deep",
      "deep/er",
      "deep/er/g.txt",
      "keep.log",
    ]);
  });
  fs.writeFileSync(join(dir, "Dockerfile.dockerignore"), "a.txt\n");
  built(dir, ["-t", "ignore:2"]);
  withImageFs(root, "ignore:2", (d) => {
    assert.equal(fs.existsSync(join(d, "ctx/a.txt")), false);
    assert.equal(fs.existsSync(join(d, "ctx/x.log")), true, "only the Dockerfile's own ignore file applies");
  });
});

test("ONBUILD: triggers kept in the parent's config, run in the child build, not inherited further", () => {
  const parent = context({
    Dockerfile: "FROM busybox\nONBUILD COPY marker.txt /onbuild/\nONBUILD RUN echo triggered > /triggered\n",
  });
  built(parent, ["-t", "parent:1"]);
  assert.deepEqual(config("parent:1").OnBuild, ["COPY marker.txt /onbuild/", "RUN echo triggered > /triggered"]);
  const child = context({ Dockerfile: "FROM parent:1\nRUN cat /triggered\n", "marker.txt": "m" });
  const r = build(child, ["-t", "child:1"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /triggered/);
  assert.equal(cat("child:1", "onbuild/marker.txt"), "m");
  assert.equal(config("child:1").OnBuild ?? null, null);
});

test("heredocs: RUN <<EOF (shell and #! script) and COPY <<EOF", () => {
  const dir = context({
    Dockerfile: [
      "FROM busybox",
      "ARG WHO=world",
      "RUN <<EOF",
      "echo hello $WHO > /greeting",
      "echo second line >> /greeting",
      "EOF",
      "RUN <<EOF",
      "#!/bin/sh -e",
      "echo from-script > /script-out",
      "EOF",
      "COPY <<A <<-B /docs/",
      "a is $WHO",
      "A",
      "\tb",
      "\tB",
      "",
    ].join("\n"),
  });
  built(dir, ["-t", "heredoc:1"]);
  assert.equal(cat("heredoc:1", "greeting"), "hello world\nsecond line\n");
  assert.equal(cat("heredoc:1", "script-out"), "from-script\n");
  assert.equal(cat("heredoc:1", "docs/A"), "a is world\n");
  assert.equal(cat("heredoc:1", "docs/B"), "b\n");
});

test("a RUN that deletes a file of a lower layer: the whiteout hides it", () => {
  const dir = context({ Dockerfile: "FROM busybox\nRUN rm /etc/group && rm -r /home && echo gone\n" });
  built(dir, ["-t", "whiteout:1"]);
  assert.equal(cat("whiteout:1", "etc/group"), undefined);
  assert.ok(cat("whiteout:1", "etc/passwd"));
  withImageFs(root, "whiteout:1", (d) => assert.equal(fs.existsSync(join(d, "home")), false));
  assert.equal(ok(root, ["run", "--rm", "whiteout:1", "sh", "-c", "test -e /etc/group || echo gone"]).trim(), "gone");
});

test("build args: ARG before FROM, in FROM, in a stage; --build-arg overrides; unused args warned about", () => {
  const dir = context({
    Dockerfile:
      'ARG BASE=nothing\nFROM ${BASE}\nARG VERSION=1.0\nARG BASE\nENV V=$VERSION\nRUN echo "$VERSION on $BASE" > /v\n',
  });
  const r = build(dir, [
    "-t",
    "args:1",
    "--build-arg",
    "BASE=busybox:latest",
    "--build-arg",
    "VERSION=2.5",
    "--build-arg",
    "UNUSED=1",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /build-args \[UNUSED\] were not consumed/);
  assert.equal(cat("args:1", "v"), "2.5 on busybox:latest\n");
  assert.ok((config("args:1").Env as string[]).includes("V=2.5"));
  assert.match(ok(root, ["history", "--no-trunc", "args:1"]), /RUN \|2 VERSION=2\.5 BASE=busybox:latest \/bin\/sh -c/);
});

test("cache: a rebuild is all CACHED with the same ID; touching content misses from that step on; --no-cache; builder prune", () => {
  const dir = context({
    Dockerfile:
      "FROM busybox\nCOPY a.txt /a.txt\nRUN echo run >> /a.txt\nCOPY b.txt /b.txt\nRUN cat /a.txt /b.txt > /both\n",
    "a.txt": "a\n",
    "b.txt": "b\n",
  });
  const id1 = built(dir, ["-t", "cache:1"]);
  const again = build(dir, ["-t", "cache:1"]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((again.stderr.match(/CACHED/g) ?? []).length, 4, again.stderr);
  assert.match(again.stderr, new RegExp(`writing image ${id1}`));
  // mtime only: the content checksum is the same, so still cached (BuildKit's rule)
  fs.utimesSync(join(dir, "b.txt"), new Date(2020, 1, 1), new Date(2020, 1, 1));
  assert.equal((build(dir).stderr.match(/CACHED/g) ?? []).length, 4);
  fs.writeFileSync(join(dir, "b.txt"), "B\n");
  const miss = build(dir, ["-t", "cache:2"]);
  assert.equal(miss.code, 0, miss.stderr);
  assert.match(miss.stderr, /#2 \[2\/5\] COPY a\.txt \/a\.txt\n#2 CACHED/);
  assert.match(miss.stderr, /#3 \[3\/5\] RUN echo run >> \/a\.txt\n#3 CACHED/);
  assert.doesNotMatch(miss.stderr, /#4 CACHED|#5 CACHED/);
  assert.equal(cat("cache:2", "both"), "a\nrun\nB\n");
  const nocache = build(dir, ["--no-cache"]);
  assert.equal(nocache.code, 0);
  assert.doesNotMatch(nocache.stderr, /CACHED/);
  const prune = hoist(root, ["builder", "prune", "-f"]);
  assert.equal(prune.code, 0, prune.stderr);
  assert.match(prune.stdout, /^Total:/m);
  assert.doesNotMatch(build(dir).stderr, /CACHED/);
});

test("the cache outlives the images: a layer the store collected comes back from the cache", () => {
  const dir = context({ Dockerfile: "FROM busybox\nRUN echo once > /once\n" });
  const id = built(dir, ["-t", "gc:1"]);
  ok(root, ["rmi", "gc:1"]);
  const r = build(dir, ["-t", "gc:1"]);
  assert.match(r.stderr, /CACHED/);
  assert.match(r.stderr, new RegExp(`writing image ${id}`));
  assert.equal(cat("gc:1", "once"), "once\n");
});

test("SOURCE_DATE_EPOCH: two clean builds give the same image ID", () => {
  const files = { Dockerfile: "FROM busybox\nCOPY f /f\nRUN date > /now && mkdir -p /made/here\nWORKDIR /w\n", f: "f" };
  const ids = [context(files), context(files)].map((dir) => {
    spawnSync("touch", ["-d", "2030-01-01", join(dir, "f")]);
    hoist(root, ["builder", "prune", "-f"]);
    const r = build(dir, ["--iidfile", join(dir, ".iid")], { SOURCE_DATE_EPOCH: "1700000000" });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /CACHED/);
    return fs.readFileSync(join(dir, ".iid"), "utf8");
  });
  // `date` differs between the runs: make the RUN reproducible and compare again
  const stable = {
    Dockerfile: "FROM busybox\nCOPY f /f\nRUN echo fixed > /fixed && mkdir -p /made/here\nWORKDIR /w\n",
    f: "f",
  };
  const ids2 = [context(stable), context(stable)].map((dir) => {
    hoist(root, ["builder", "prune", "-f"]);
    const r = build(dir, ["--iidfile", join(dir, ".iid")], { SOURCE_DATE_EPOCH: "1700000000" });
    assert.equal(r.code, 0, r.stderr);
    return fs.readFileSync(join(dir, ".iid"), "utf8");
  });
  assert.equal(ids2[0], ids2[1]);
  assert.ok(ids[0]);
  const created = ok(root, ["inspect", "--format", "{{.Created}}", ids2[0] as string]).trim();
  assert.match(created, /^2023-11-14T22:13:20/);
});

test("context from stdin (tar), Dockerfile from stdin, -f outside the context, -q and symlinks kept", () => {
  const dir = context({
    "f.txt": "from tar\n",
    link: { link: "f.txt" },
    "sub/Dockerfile.x": "FROM busybox\nCOPY . /c/\n",
  });
  const tar = spawnSync("tar", ["-C", dir, "-cf", "-", "."]).stdout;
  const r = spawnSync(hoistBin, ["--root", root, "build", "-q", "-f", "sub/Dockerfile.x", "-t", "stdin:1", "-"], {
    input: tar,
  });
  assert.equal(r.status, 0, r.stderr.toString());
  assert.match(r.stdout.toString(), /^sha256:[0-9a-f]{64}\n$/);
  withImageFs(root, "stdin:1", (d) => {
    assert.equal(fs.readlinkSync(join(d, "c/link")), "f.txt");
    assert.equal(fs.readFileSync(join(d, "c/f.txt"), "utf8"), "from tar\n");
  });
  const outside = join(work, "outside.Dockerfile");
  fs.writeFileSync(outside, "FROM busybox\nCOPY f.txt /g\n");
  built(dir, ["-f", outside, "-t", "outside:1"]);
  assert.equal(cat("outside:1", "g"), "from tar\n");
  const s = spawnSync(hoistBin, ["--root", root, "build", "-f", "-", "-t", "stdin:2", dir], {
    input: "FROM busybox\nCOPY f.txt /h\n",
  });
  assert.equal(s.status, 0, s.stderr.toString());
  assert.equal(cat("stdin:2", "h"), "from tar\n");
});

test("a failing RUN prints its output and the exit code, tags nothing, exits 1", () => {
  const dir = context({ Dockerfile: "FROM busybox\nRUN echo about to fail && exit 3\n" });
  const r = build(dir, ["-t", "failed:1"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /about to fail/);
  assert.match(r.stderr, /Dockerfile:2: RUN echo about to fail && exit 3: .*returned a non-zero code: 3/);
  assert.doesNotMatch(ok(root, ["images"]), /failed/);
  const q = build(dir, ["-q", "-t", "failed:1"]);
  assert.equal(q.code, 1);
  assert.match(q.stderr, /about to fail/, "even -q shows the failing step's output");
});

test("bad input names the Dockerfile line and the instruction; nothing is tagged", () => {
  const cases: [Record<string, string | { link: string }>, RegExp][] = [
    [{ Dockerfile: "FROM busybox\nFROB x\n" }, /Dockerfile:2: FROB x: unknown instruction: FROB/],
    [{ Dockerfile: "RUN echo no from\n" }, /Dockerfile:1: .*no build stage in current context/],
    [{ Dockerfile: 'FROM busybox\nSHELL ["/bin/sh", \n' }, /Dockerfile:2: SHELL .*JSON/],
    [
      { Dockerfile: "FROM busybox\nCOPY --from=nostage /x /y\n" },
      /Dockerfile:2: COPY --from=nostage \/x \/y: .*nostage/,
    ],
    [
      { Dockerfile: "FROM busybox\nCOPY missing.txt /x\n" },
      /Dockerfile:2: COPY missing.txt \/x: "\/missing.txt": not found/,
    ],
    [
      { Dockerfile: "FROM busybox\nCOPY ../x /x\n" },
      /Dockerfile:2: COPY \.\.\/x \/x: forbidden path outside the build context/,
    ],
    [
      { Dockerfile: "FROM busybox\nCOPY /etc/passwd /x\n" },
      /Dockerfile:2: COPY \/etc\/passwd \/x: forbidden path outside the build context/,
    ],
    [
      { Dockerfile: "FROM busybox\nCOPY out /x\n", out: { link: "/etc/passwd" } },
      /Dockerfile:2: COPY out \/x: forbidden path outside the build context/,
    ],
  ];
  for (const [files, pattern] of cases) {
    const dir = context(files);
    const r = build(dir, ["-t", "bad:1"]);
    assert.equal(r.code, 1, `${JSON.stringify(files)}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
  assert.doesNotMatch(ok(root, ["images"]), /^bad /m);
  const notDir = join(work, "plain-file");
  fs.writeFileSync(notDir, "not a tar");
  const r = hoist(root, ["build", notDir]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /neither a directory nor a tar archive/);
  const missing = hoist(root, ["build", join(work, "no-such-dir")]);
  assert.match(missing.stderr, /path ".*no-such-dir" not found/);
  const platform = hoist(root, ["build", "--platform", "linux/s390x", context({ Dockerfile: "FROM busybox\n" })]);
  assert.match(platform.stderr, /only the native platform/);
});
