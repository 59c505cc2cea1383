// Several hoist processes on one store at once, and a process killed mid-import: the store stays sound.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { busyboxTar, hoistAsync, hoistBin, ok, removeDir, tempDir } from "./helpers.ts";

test("parallel import, tag, rmi and prune leave a clean store", async () => {
  const root = tempDir();
  const work = tempDir();
  try {
    const tar = busyboxTar();
    // A few distinct small layers so imports both share and differ.
    const tars: string[] = [];
    for (let i = 0; i < 4; i++) {
      const d = join(work, `r${i}`);
      mkdirSync(d);
      writeFileSync(join(d, "file"), `content ${i}\n`);
      const t = join(work, `t${i}.tar`);
      execFileSync("tar", ["-C", d, "-cf", t, "."]);
      tars.push(t);
    }
    ok(root, ["import", tar, "base:1"]);
    const jobs: Promise<{ code: number; stderr: string }>[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) jobs.push(hoistAsync(root, ["import", tars[i] as string, `img${i}:r${round}`]));
      jobs.push(hoistAsync(root, ["import", tar, `bb:r${round}`]));
      jobs.push(hoistAsync(root, ["tag", "base:1", `base:t${round}`]));
      jobs.push(hoistAsync(root, ["image", "prune", "-f"]));
      jobs.push(hoistAsync(root, ["rmi", `img${round}:r0`]));
      jobs.push(hoistAsync(root, ["import", tars[round] as string]));
    }
    const results = await Promise.all(jobs);
    for (const r of results) {
      // rmi may race with the import that creates the name; nothing else may fail.
      if (r.code !== 0) assert.match(r.stderr, /No such image/, r.stderr);
    }
    const check = ok(root, ["system", "check"]);
    assert.match(check, /No problems found/);
    // Every listed image inspects, and every tag made is there.
    const ids = ok(root, ["images", "-a", "-q", "--no-trunc"]).trim().split("\n").filter(Boolean);
    for (const id of ids) ok(root, ["inspect", id]);
    for (let round = 0; round < 3; round++) {
      ok(root, ["inspect", `base:t${round}`]);
      ok(root, ["inspect", `bb:r${round}`]);
    }
    ok(root, ["system", "prune", "-a", "-f"]);
    assert.equal(ok(root, ["images", "-a", "-q"]), "");
    assert.deepEqual(readdirSync(join(root, "layers")), []);
    assert.deepEqual(readdirSync(join(root, "blobs", "sha256")), []);
  } finally {
    removeDir(root);
    removeDir(work);
  }
});

test("a process killed mid-import leaves no visible image; the next command cleans up; retry works", async () => {
  const root = tempDir();
  try {
    const tar = busyboxTar();
    ok(root, ["images"]); // creates nothing, but the root may exist
    // Feed the tar slowly through stdin so the kill lands mid-extraction.
    const child = spawn(hoistBin, ["--root", root, "import", "-", "killed:1"], { stdio: ["pipe", "ignore", "ignore"] });
    const data = (await import("node:fs")).readFileSync(tar);
    child.stdin.write(data.subarray(0, data.length >> 1));
    await new Promise((r) => setTimeout(r, 400));
    child.kill("SIGKILL");
    await new Promise((r) => child.on("close", r));
    assert.ok(
      readdirSync(join(root, "tmp")).length > 0,
      "the killed import left its staging area (so the test is real)",
    );
    assert.equal(ok(root, ["images", "-a", "-q"]), "");
    // Any mutation cleans the dead process's staging area.
    const id = ok(root, ["import", tar, "killed:1"]).trim();
    assert.deepEqual(readdirSync(join(root, "tmp")), []);
    assert.match(ok(root, ["system", "check"]), /No problems found/);
    assert.equal(ok(root, ["inspect", "-f", "{{.Id}}", "killed:1"]).trim(), id);
  } finally {
    removeDir(root);
  }
});

test("system check finds a corrupt blob and --repair removes the damaged image", () => {
  const root = tempDir();
  try {
    const tar = busyboxTar();
    const id = ok(root, ["import", tar, "victim:1"]).trim();
    ok(root, ["import", tar, "other:1"]);
    const layer = (JSON.parse(ok(root, ["inspect", "-f", "{{json .RootFS.Layers}}", "victim:1"])) as string[])[0] ?? "";
    // Corrupt the config blob of victim (the layer blob is shared with other:1).
    writeFileSync(join(root, "blobs/sha256", id.slice(7)), "{}");
    const r = spawnCheck(root);
    assert.equal(r.code, 1);
    assert.match(r.out, new RegExp(`blob-corrupt: ${id}`));
    const repaired = ok(root, ["system", "check", "--repair"]);
    assert.match(repaired, new RegExp(`removed damaged image ${id}`));
    assert.match(ok(root, ["system", "check"]), /No problems found/);
    assert.equal(ok(root, ["inspect", "-f", "{{json .RootFS.Layers}}", "other:1"]).trim(), JSON.stringify([layer]));
  } finally {
    removeDir(root);
  }
});

function spawnCheck(root: string): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync(hoistBin, ["--root", root, "system", "check"], { encoding: "utf8" }) };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { code: err.status, out: err.stdout };
  }
}
