import { test } from "node:test";
import assert from "node:assert/strict";
import { isHoistError } from "../../errors.ts";
import { DockerfileError } from "./errors.ts";
import { expandCommand, expandFrom } from "./expand.ts";
import { parseMount } from "./run-mount.ts";
import { findStage, parseDockerfile, stageReference, targetStage } from "./stages.ts";

const dockerfile = [
  "ARG BASE=alpine",
  "ARG TAG",
  "FROM ${BASE}:${TAG:-3} AS deps",
  "RUN apk add curl",
  "FROM deps AS Build",
  "ARG VERSION",
  "COPY --from=deps /x /y",
  "FROM scratch",
  "COPY --from=build /out /",
].join("\n");

test("stages: meta args, named and unnamed stages, commands", () => {
  const df = parseDockerfile(dockerfile);
  assert.deepEqual(
    df.metaArgs.map((a) => a.args),
    [[{ key: "BASE", value: "alpine" }], [{ key: "TAG" }]],
  );
  assert.deepEqual(
    df.stages.map((s) => [s.index, s.name, s.from.baseName, s.commands.map((c) => c.kind)]),
    [
      [0, "deps", "${BASE}:${TAG:-3}", ["run"]],
      [1, "build", "deps", ["arg", "copy"]],
      [2, "", "scratch", ["copy"]],
    ],
  );
  assert.deepEqual(df.stages[1]?.location, { startLine: 5, endLine: 5 });
});

test("--target and stage references", () => {
  const df = parseDockerfile(dockerfile);
  assert.equal(targetStage(df).index, 2);
  assert.equal(targetStage(df, "BUILD").index, 1);
  assert.throws(
    () => targetStage(df, "nope"),
    (e) => isHoistError(e, "NOT_FOUND") && e.message === 'target stage "nope" could not be found',
  );
  assert.equal(findStage(df.stages, "Deps")?.index, 0);
  assert.equal(stageReference(df.stages, "deps", 1)?.index, 0);
  assert.equal(stageReference(df.stages, "1", 2)?.name, "build");
  assert.equal(stageReference(df.stages, "build", 1), undefined, "not an earlier stage");
  assert.equal(stageReference(df.stages, "alpine:3", 2), undefined, "an image");
});

test("stage errors: missing FROM, no stages, duplicate names", () => {
  const cases: [string, string, number][] = [
    ["ARG A\nRUN x\nFROM a", "no build stage in current context", 2],
    ["ARG A\nARG B", "dockerfile contains no stages to build", 2],
    ["FROM a AS x\nFROM b AS X", 'duplicate stage name "x"', 2],
    ["FROM a\nRUN --nope x", "dockerfile parse error on line 2: Unknown flag: nope", 2],
  ];
  for (const [source, message, line] of cases) {
    assert.throws(
      () => parseDockerfile(source),
      (e) => e instanceof DockerfileError && e.message === message && e.line === line,
      message,
    );
  }
});

test("expansion: the fields BuildKit expands, and the variables used", () => {
  const df = parseDockerfile(
    [
      "FROM a",
      'ENV K_$A="$B c" D=${MISSING:-d}',
      "LABEL $A=$B",
      "ARG X=$A",
      "COPY --chown=$U --chmod=$M --exclude=$A* --from=$A $A/* /dst/$B/",
      "ADD --checksum=$SUM <<EOF /f",
      "'$A' \\$B ${B}",
      "EOF",
      "EXPOSE $PORTS 80",
      "USER $U",
      "WORKDIR /w/$A",
      "VOLUME /v/$A",
      "STOPSIGNAL $SIG",
      "RUN --mount=type=cache,id=$A,target=/c,uid=$UID echo $A",
      "CMD echo $A",
    ].join("\n"),
  );
  const env = { A: "a", B: "b", U: "user", M: "0755", SUM: "sha256:x", PORTS: "1 2/udp", SIG: "TERM", UID: "7" };
  const results = (df.stages[0]?.commands ?? []).map((c) => expandCommand(c, env));
  const values = results.map((r) => r.value);
  const used = results.map((r) => [[...r.matched].sort(), [...r.unmatched].sort()]);
  const [envCmd, label, arg, copy, add, expose, user, workdir, volume, stopsignal, run, cmd] = values;
  assert.deepEqual(envCmd?.kind === "env" && envCmd.env, [
    { key: "K_a", value: "b c", legacyForm: false },
    { key: "D", value: "d", legacyForm: false },
  ]);
  assert.deepEqual(used[0], [["A", "B"], ["MISSING"]]);
  assert.deepEqual(label?.kind === "label" && label.labels, [{ key: "a", value: "b", legacyForm: false }]);
  assert.deepEqual(arg?.kind === "arg" && arg.args, [{ key: "X", value: "a" }]);
  assert.ok(copy?.kind === "copy");
  assert.deepEqual(
    [copy.chown, copy.chmod, copy.exclude, copy.from, copy.sources, copy.dest],
    ["user", "0755", ["a*"], "$A", ["a/*"], "/dst/b/"],
  );
  assert.ok(add?.kind === "add");
  assert.deepEqual([add.checksum, add.sourceContents[0]?.data], ["sha256:x", "'a' $B b\n"]);
  assert.deepEqual(expose?.kind === "expose" && expose.ports, ["1", "2/udp", "80"]);
  assert.deepEqual(
    [
      user?.kind === "user" && user.user,
      workdir?.kind === "workdir" && workdir.path,
      volume?.kind === "volume" && volume.volumes,
      stopsignal?.kind === "stopsignal" && stopsignal.signal,
    ],
    ["user", "/w/a", ["/v/a"], "TERM"],
  );
  assert.deepEqual(run?.kind === "run" && run.cmdLine, ["echo $A"], "the shell expands RUN");
  assert.deepEqual(results[10]?.mounts, [parseMount("type=cache,id=a,target=/c,uid=7")]);
  assert.deepEqual(used[10], [["A", "UID"], []]);
  assert.deepEqual(cmd?.kind === "cmd" && cmd.cmdLine, ["echo $A"]);
  assert.deepEqual(used[11], [[], []]);
});

test("expansion: FROM with the meta args, backtick escape, errors", () => {
  const df = parseDockerfile(dockerfile);
  const from = df.stages[0]?.from;
  assert.ok(from !== undefined);
  const r = expandFrom(from, { BASE: "alpine" });
  assert.equal(r.value.baseName, "alpine:3");
  assert.deepEqual([[...r.matched], [...r.unmatched]], [["BASE"], ["TAG"]]);
  const win = parseDockerfile("# escape=`\nFROM a\nWORKDIR c:\\$D`$X");
  const workdir = win.stages[0]?.commands[0];
  assert.ok(workdir?.kind === "workdir");
  assert.equal(expandCommand(workdir, { D: "dir" }, win.escapeToken).value.path, "c:\\dir$X");
  assert.throws(() => expandCommand({ ...workdir, path: "${D:?is required}" }, {}), {
    name: "ShellExpansionError",
    message: 'failed to process "${D:?is required}": D: is required',
  });
});

test("parseMount: types, defaults, validation", () => {
  assert.deepEqual(parseMount("type=bind,source=/a,target=/b"), {
    type: "bind",
    from: "",
    source: "/a",
    target: "/b",
    readOnly: true,
    id: "",
    sharing: "",
    required: false,
  });
  const cache = parseMount("type=cache,dst=/c,sharing=LOCKED,mode=0700,uid=1,gid=2");
  assert.deepEqual([cache.readOnly, cache.sharing, cache.mode, cache.uid, cache.gid], [false, "locked", 0o700, 1, 2]);
  assert.equal(parseMount("type=bind,target=/b,rw").readOnly, false);
  assert.equal(parseMount("type=tmpfs,target=/t,size=64m").size, 64 * 1024 * 1024);
  assert.deepEqual(parseMount('type=secret,id=tok,env=TOKEN,required,"target=/run/a,b"').target, "/run/a,b");
  const errors: [string, string][] = [
    ["type=volume", 'unsupported mount type "volume"'],
    ["type=bind,mode=0700", 'mode not allowed for "bind" type mounts'],
    ["type=bind,sharing=locked", "invalid cache sharing set for bind mount"],
    ["type=secret", "invalid secret mount. one of source, target required"],
    ["type=secret,id=a,source=b", "both source and id can't be set"],
    ["type=cache,required", "unexpected key 'required' for mount type 'cache'"],
    ["type=cache,mode=9", "invalid value 9 for mode"],
    ["type=cache,ro=maybe", "invalid value for ro: maybe"],
    ['type=bind,"target=/a', 'failed to parse csv mounts: extraneous or missing " in quoted-field'],
    ['type=bind,"target=/a"x', 'failed to parse csv mounts: extraneous or missing " in quoted-field'],
    ['type=bind,tar"get=/a', 'failed to parse csv mounts: bare " in non-quoted-field'],
  ];
  for (const [spec, message] of errors) assert.throws(() => parseMount(spec), { name: "Error", message }, spec);
  assert.throws(() => parseMount("type=bind,color=red"), { message: /^unexpected key 'color' in 'color=red'/ });
});
