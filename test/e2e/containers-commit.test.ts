// Commit round trips with real runc containers: a file written, a file of the image deleted, a directory
// replaced (opaque), a mode changed; the committed layer's OCI whiteouts as `save` writes them; podman loading
// and running the result; export/import; and the same with the vfs driver.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { busyboxTar, have, hoist, ok, removeDir, tempDir, removeAllContainers } from "./helpers.ts";

const skip = have("runc") ? false : "runc is not installed (scripts/setup installs it)";
const podmanSkip = skip || (have("podman") ? false : "podman is not installed");
let dir = "";
let baseTar = "";

const changes =
  "echo new > /data/new && rm /data/gone && rm -rf /data/dir && mkdir /data/dir && echo c > /data/dir/c && chmod 700 /data/keep";
const check = 'cat /data/new; ls /data/gone 2>&1; ls /data/dir; stat -c %a /data/keep; echo "X=$X"';
const expected = "new\nls: /data/gone: No such file or directory\nc\n700\nX=1\n";
const expectedDiff = [
  "C /data",
  "C /data/dir",
  "D /data/dir/a",
  "D /data/dir/b",
  "A /data/dir/c",
  "D /data/gone",
  "C /data/keep",
  "A /data/new",
];

function tarList(file: string): string[] {
  return execFileSync("tar", ["-tf", file], { encoding: "utf8", maxBuffer: 1 << 26 })
    .split("\n")
    .filter(Boolean);
}

before(() => {
  if (skip) return;
  dir = tempDir("hoist-commit-");
  const rootfs = join(dir, "rootfs");
  mkdirSync(join(rootfs, "data", "dir"), { recursive: true });
  execFileSync("tar", ["-xf", busyboxTar(), "-C", rootfs]);
  writeFileSync(join(rootfs, "data", "dir", "a"), "a\n");
  writeFileSync(join(rootfs, "data", "dir", "b"), "b\n");
  writeFileSync(join(rootfs, "data", "keep"), "keep\n", { mode: 0o644 });
  writeFileSync(join(rootfs, "data", "gone"), "gone\n");
  baseTar = join(dir, "base.tar");
  execFileSync("tar", ["--numeric-owner", "-C", rootfs, "-cf", baseTar, "."]);
});

after(() => {
  if (skip) return;
  for (const root of ["overlay-root", "vfs-root"].map((r) => join(dir, r))) {
    removeAllContainers(root);
  }
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter((l) => l.split(" ")[4]?.startsWith(dir));
  removeDir(dir);
  assert.deepEqual(mounts, [], "no mounts left");
});

/** Make the changes in a container, check `diff`, commit; returns the new image ID. */
function changeAndCommit(root: string, env: NodeJS.ProcessEnv = {}): string {
  const run = (args: string[]): string => {
    const r = hoist(root, args, { env });
    if (r.code !== 0) throw new Error(`hoist ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  run(["import", baseTar, "base:1"]);
  run(["run", "--name", "changer", "base:1", "sh", "-c", changes]);
  assert.deepEqual(run(["diff", "changer"]).trim().split("\n"), expectedDiff);
  const id = run(["commit", "-m", "my changes", "-a", "tester", "-c", "ENV X=1", "changer"]).trim();
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  return id;
}

test("commit: the container's changes become a layer; the new image runs with them", { skip }, () => {
  const root = join(dir, "overlay-root");
  const id = changeAndCommit(root);
  assert.equal(
    ok(root, ["images", "--format", "{{.Repository}} {{.Tag}} {{.ID}}", "--filter", "dangling=true"]).trim(),
    `<none> <none> ${id.slice(7, 19)}`,
  );
  ok(root, ["tag", id, "committed:1"]);
  assert.equal(ok(root, ["run", "--rm", "committed:1", "sh", "-c", check]), expected);
  const history = ok(root, ["history", "--format", "{{.CreatedBy}}|{{.Comment}}", "--no-trunc", "committed:1"]).split(
    "\n",
  );
  assert.equal(history[0], `sh -c ${changes}|my changes`);
  assert.equal(
    ok(root, ["inspect", "-f", "{{.Author}} {{.Parent}}", "committed:1"]).trim(),
    `tester ${ok(root, ["inspect", "-f", "{{.Id}}", "base:1"]).trim()}`,
  );
  // A commit with a name tags it; the image is in use by no container, the container still runs its image.
  const named = ok(root, ["commit", "changer", "named:v2"]).trim();
  assert.equal(ok(root, ["images", "--format", "{{.ID}}", "named:v2"]).trim(), named.slice(7, 19));
});

test("a committed container that runs again changes neither the image nor its own view", { skip }, () => {
  const root = join(dir, "overlay-root");
  if (hoist(root, ["inspect", "base:1"]).code !== 0) ok(root, ["import", baseTar, "base:1"]);
  const script = "if [ -f /second ]; then echo two >> /f; else echo one > /f; fi; touch /second; cat /f";
  assert.equal(ok(root, ["run", "--name", "again", "base:1", "sh", "-c", script]), "one\n");
  const id = ok(root, ["commit", "again"]).trim();
  assert.equal(ok(root, ["start", "-a", "again"]), "one\ntwo\n", "the container appends to its own file");
  assert.equal(ok(root, ["run", "--rm", id, "cat", "/f"]), "one\n", "the image's layer is unchanged");
  ok(root, ["rm", "again"]);
  ok(root, ["rmi", id]);
});

test(
  "the committed layer holds OCI whiteouts, and podman loads and runs the saved image alike",
  { skip: podmanSkip },
  () => {
    const root = join(dir, "overlay-root");
    const archive = join(dir, "committed.tar");
    ok(root, ["save", "-o", archive, "committed:1"]);
    const unpacked = join(dir, "unpacked");
    mkdirSync(unpacked);
    execFileSync("tar", ["-xf", archive, "-C", unpacked]);
    const manifest = JSON.parse(readFileSync(join(unpacked, "manifest.json"), "utf8")) as { Layers: string[] }[];
    const layers = manifest[0]?.Layers ?? [];
    assert.equal(layers.length, 2);
    const entries = tarList(join(unpacked, layers[1] as string)).map((e) => e.replace(/^\.\//, ""));
    for (const e of ["data/.wh.gone", "data/dir/.wh..wh..opq", "data/dir/c", "data/new", "data/keep"])
      assert.ok(entries.includes(e), `${e} in ${entries.join(", ")}`);
    assert.ok(
      !entries.some((e) => e.startsWith("etc/hosts") || e.startsWith("proc")),
      "init-layer mount points stay out of commits",
    );
    const podman = (...args: string[]): string =>
      execFileSync(
        "podman",
        ["--root", join(dir, "p-root"), "--runroot", join(dir, "p-run"), "--storage-driver", "vfs", ...args],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
    try {
      assert.match(podman("load", "-i", archive), /committed:1/);
      assert.equal(podman("run", "--rm", "--network", "none", "committed:1", "sh", "-c", check), expected);
    } finally {
      try {
        podman("system", "reset", "-f");
      } catch {
        /* best effort */
      }
    }
  },
);

test("export gives the merged filesystem; import of it is a runnable one-layer image", { skip }, () => {
  const root = join(dir, "overlay-root");
  const exported = join(dir, "export.tar");
  ok(root, ["export", "-o", exported, "changer"]);
  const entries = tarList(exported).map((e) => e.replace(/^\.\//, ""));
  assert.ok(entries.includes("data/new") && entries.includes("bin/busybox"), "merged view");
  assert.ok(!entries.includes("data/gone") && !entries.includes("data/dir/a"), "deleted files are gone");
  assert.ok(!entries.some((e) => e.includes(".wh.")), "no whiteouts in an export");
  ok(root, ["import", "-c", "ENV X=1", exported, "flat:1"]);
  assert.equal(ok(root, ["inspect", "-f", "{{len .RootFS.Layers}}", "flat:1"]).trim(), "1");
  assert.equal(ok(root, ["run", "--rm", "flat:1", "sh", "-c", check]), expected);
  ok(root, ["rm", "changer"]);
});

test("the vfs driver: the same changes, diff and commit", { skip }, () => {
  const root = join(dir, "vfs-root");
  const env = { HOIST_STORAGE_DRIVER: "vfs" };
  changeAndCommit(root, env);
  assert.equal(hoist(root, ["inspect", "-f", "{{.Driver}}", "changer"], { env }).stdout.trim(), "vfs");
  const id = hoist(root, ["images", "-q", "--filter", "dangling=true"], { env }).stdout.trim();
  const r = hoist(root, ["run", "--rm", id, "sh", "-c", check], { env });
  assert.equal(r.stdout, expected, r.stderr);
  assert.equal(hoist(root, ["rm", "changer"], { env }).code, 0);
});
