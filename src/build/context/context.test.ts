import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isHoistError } from "../../errors.ts";
import { ContentHasher } from "./checksum.ts";
import { BuildContext } from "./context.ts";

function tree(): string {
  const dir = fs.mkdtempSync(join(tmpdir(), "hoist-ctx-"));
  fs.mkdirSync(join(dir, "src/lib"), { recursive: true });
  fs.writeFileSync(join(dir, "src/a.js"), "a");
  fs.writeFileSync(join(dir, "src/b.ts"), "b");
  fs.writeFileSync(join(dir, "src/lib/c.js"), "c");
  fs.writeFileSync(join(dir, "top.txt"), "top");
  fs.symlinkSync("top.txt", join(dir, "link-in"));
  fs.symlinkSync("/etc/passwd", join(dir, "link-abs"));
  fs.symlinkSync("../../etc", join(dir, "src/link-up"));
  fs.mkdirSync(join(dir, "logs"));
  fs.writeFileSync(join(dir, "logs/x.log"), "x");
  fs.writeFileSync(join(dir, "logs/keep.log"), "k");
  return dir;
}

test("sources outside the context are refused: ../x, absolute paths, symlinks leading out", () => {
  const dir = tree();
  const ctx = new BuildContext(dir);
  for (const src of ["../x", "/etc/passwd", "a/../../x", "link-abs", "src/link-up/passwd"]) {
    assert.throws(
      () => ctx.expand(src),
      (e) => isHoistError(e, "UNSAFE_PATH"),
      src,
    );
  }
  fs.rmSync(dir, { recursive: true });
});

test("a named source follows its symlink inside the context; wildcards match one level", () => {
  const dir = tree();
  const ctx = new BuildContext(dir);
  assert.equal(ctx.expand("link-in")[0]?.rel, "top.txt");
  assert.deepEqual(
    ctx.expand("src/*.js").map((e) => e.rel),
    ["src/a.js"],
  );
  assert.deepEqual(
    ctx.expand("src/*").map((e) => e.rel),
    ["src/a.js", "src/b.ts", "src/lib", "src/link-up"],
    "a matched link that leads out is kept as a link",
  );
  assert.deepEqual(ctx.expand("nomatch*"), []);
  assert.throws(
    () => ctx.expand("missing"),
    (e) => isHoistError(e, "NOT_FOUND"),
  );
  fs.rmSync(dir, { recursive: true });
});

test(".dockerignore hides files, and an exception brings one back with its directory", () => {
  const dir = tree();
  const ctx = new BuildContext(dir, { ignore: ["logs", "!logs/keep.log", "src/*.ts"] });
  const all = ctx.walk({ rel: "", abs: dir, st: fs.lstatSync(dir, { bigint: true }) }).map((e) => e.rel);
  assert.ok(all.includes("logs") && all.includes("logs/keep.log"));
  assert.ok(!all.includes("logs/x.log"));
  assert.ok(!all.includes("src/b.ts") && all.includes("src/a.js"));
  assert.throws(
    () => ctx.expand("logs/x.log"),
    (e) => isHoistError(e, "NOT_FOUND"),
  );
  fs.rmSync(dir, { recursive: true });
});

test("checksums: unchanged files are not read again; content and mode changes show, mtime alone does not", () => {
  const dir = tree();
  const index = join(dir, "..", `${dir.split("/").pop()}-files.json`);
  const ctx = new BuildContext(dir);
  const src = ctx.expand("src")[0];
  assert.ok(src);
  const h1 = new ContentHasher(index, dir);
  const d1 = h1.sourceDigest(ctx, src);
  assert.equal(h1.hashed, 3);
  // Persist without a store: write what save() would.
  const h2 = new ContentHasher(undefined, dir);
  assert.equal(h2.sourceDigest(ctx, src), d1);
  const h3 = new ContentHasher(index, dir);
  (h3 as unknown as { known: unknown }).known = Object.fromEntries(
    (h1 as unknown as { fresh: Map<string, unknown> }).fresh,
  );
  assert.equal(h3.sourceDigest(ctx, src), d1);
  assert.equal(h3.hashed, 0, "nothing read: size, mtime and inode are the same");
  fs.writeFileSync(join(dir, "src/a.js"), "A");
  const h4 = new ContentHasher(undefined, dir);
  assert.notEqual(h4.sourceDigest(ctx, ctx.expand("src")[0]!), d1);
  fs.writeFileSync(join(dir, "src/a.js"), "a");
  fs.utimesSync(join(dir, "src/a.js"), new Date(2001, 1, 1), new Date(2001, 1, 1));
  assert.equal(new ContentHasher(undefined, dir).sourceDigest(ctx, ctx.expand("src")[0]!), d1);
  fs.chmodSync(join(dir, "src/a.js"), 0o755);
  assert.notEqual(new ContentHasher(undefined, dir).sourceDigest(ctx, ctx.expand("src")[0]!), d1);
  fs.rmSync(dir, { recursive: true });
});
