import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exposedPorts, goDuration, normalizeWorkdir } from "./config-steps.ts";
import { BuildContext } from "./context/context.ts";
import { copyEntries, type CopySource } from "./copy-entries.ts";
import { clampHistory, fillHistoryTimes } from "./export-image.ts";
import { runCommand, runHistory } from "./steps/run.ts";
import { destPath } from "./steps/copy.ts";
import type { RunInstruction } from "./dockerfile/index.ts";
import type { StageState } from "./stage-state.ts";

test("history times: metadata steps take the time of the layer step before them, or of the first new one", () => {
  const filled = fillHistoryTimes([
    { created: "2024-01-01T00:00:00Z", created_by: "base" },
    { created_by: "ENV a=b", empty_layer: true },
    { created: "2025-01-01T00:00:00Z", created_by: "RUN x" },
    { created_by: "CMD x", empty_layer: true },
  ]);
  assert.deepEqual(
    filled.map((h) => h.created),
    ["2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"],
  );
  const clamped = clampHistory(filled, 1, { sec: 1_700_000_000, nsec: 0 });
  assert.equal(clamped[0]?.created, "2024-01-01T00:00:00Z", "the base image's history is kept");
  assert.equal(clamped[2]?.created, "2023-11-14T22:13:20Z");
});

test("WORKDIR, EXPOSE and durations as BuildKit has them", () => {
  assert.equal(normalizeWorkdir("/app", "sub/../x"), "/app/x");
  assert.equal(normalizeWorkdir(undefined, "rel"), "/rel");
  assert.equal(normalizeWorkdir("/a", "/b/"), "/b");
  assert.deepEqual(exposedPorts(["80", "53/UDP", "8000-8002/tcp"]), [
    "80/tcp",
    "53/udp",
    "8000/tcp",
    "8001/tcp",
    "8002/tcp",
  ]);
  assert.throws(() => exposedPorts(["80/xyz"]));
  assert.equal(goDuration(30e9), "30s");
  assert.equal(goDuration(90e9), "1m30s");
  assert.equal(goDuration(1.5e9), "1.5s");
  assert.equal(goDuration(5e8), "500ms");
});

test("COPY destinations: relative to WORKDIR, trailing slash kept", () => {
  assert.equal(destPath("/app", "."), "/app/./");
  assert.equal(destPath("/app", "x"), "/app/x");
  assert.equal(destPath("/app/", "x/"), "/app/x/");
  assert.equal(destPath(undefined, "/abs"), "/abs");
});

function stageWith(shell?: string[]): StageState {
  return {
    image: {
      architecture: "amd64",
      os: "linux",
      config: shell ? { Shell: shell } : {},
      rootfs: { type: "layers", diff_ids: [] },
    },
  } as unknown as StageState;
}

function runInst(cmdLine: string[], files: RunInstruction["files"] = [], prependShell = true): RunInstruction {
  return {
    kind: "run",
    keyword: "RUN",
    original: "",
    location: { startLine: 1, endLine: 1 },
    cmdLine,
    prependShell,
    files,
    mounts: [],
    network: "",
    security: "",
    devices: [],
    flagsUsed: [],
  };
}

test("RUN: shell form with SHELL, heredocs run as scripts or by the shell", () => {
  assert.deepEqual(runCommand(stageWith(), runInst(["echo hi"])).args, ["/bin/sh", "-c", "echo hi"]);
  assert.deepEqual(runCommand(stageWith(["/bin/bash", "-ec"]), runInst(["echo hi"])).args, [
    "/bin/bash",
    "-ec",
    "echo hi",
  ]);
  assert.deepEqual(runCommand(stageWith(), runInst(["echo", "hi"], [], false)).args, ["echo", "hi"]);
  const plain = runCommand(stageWith(), runInst(["<<EOF"], [{ name: "EOF", data: "echo a\necho b\n", chomp: false }]));
  assert.deepEqual(plain.args, ["/bin/sh", "-c", "echo a\necho b\n"]);
  const script = runCommand(
    stageWith(),
    runInst(["<<EOF"], [{ name: "EOF", data: "#!/bin/sh\necho a\n", chomp: false }]),
  );
  assert.deepEqual(script.args, ["/bin/sh", "-c", "/dev/pipes/EOF"]);
  assert.equal(script.script?.data, "#!/bin/sh\necho a\n");
  const piped = runCommand(stageWith(), runInst(["cat <<A > /x"], [{ name: "A", data: "body\n", chomp: false }]));
  assert.deepEqual(piped.args, ["/bin/sh", "-c", "cat <<A > /x\nbody\nA"]);
  assert.equal(
    runHistory(["/bin/sh", "-c", "make"], [{ key: "A", value: "1" }, { key: "B" }], new Map([["B", "2"]])),
    "|2 A=1 B=2 /bin/sh -c make",
  );
});

async function entries(sources: CopySource[], dest: string, view?: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of copyEntries({ dest, sources, now: { sec: 1, nsec: 0 } }, view))
    out.push(`${e.header.type[0]} ${e.header.name}`);
  return out;
}

test("COPY destination rules: file into an existing directory, contents of a directory, trailing slash", async () => {
  const dir = fs.mkdtempSync(join(tmpdir(), "hoist-copy-"));
  const ctxDir = join(dir, "ctx");
  const view = join(dir, "view");
  fs.mkdirSync(join(ctxDir, "d/sub"), { recursive: true });
  fs.writeFileSync(join(ctxDir, "f.txt"), "f");
  fs.writeFileSync(join(ctxDir, "d/sub/g"), "g");
  fs.mkdirSync(join(view, "existing"), { recursive: true });
  const ctx = new BuildContext(ctxDir);
  const src = (p: string): CopySource => ({
    type: "tree",
    fs: ctx,
    entry: ctx.expand(p)[0]!,
    name: p.split("/").pop()!,
    keepOwner: false,
  });
  assert.deepEqual(await entries([src("f.txt")], "/existing", view), ["d existing", "f existing/f.txt"]);
  assert.deepEqual(await entries([src("f.txt")], "/new", view), ["f new"]);
  assert.deepEqual(await entries([src("f.txt")], "/new/", view), ["d new", "f new/f.txt"]);
  assert.deepEqual(await entries([src("d")], "/out", view), ["d out", "d out/sub", "f out/sub/g"]);
  assert.deepEqual(await entries([src("f.txt")], "/a/b/c", view), ["d a", "d a/b", "f a/b/c"]);
  fs.rmSync(dir, { recursive: true });
});
