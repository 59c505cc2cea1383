import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { isHoistError } from "../../errors.ts";
import { cleanArchivePath, TarIndex } from "./tar-index.ts";
import { collect, have, tarEntries, tempDir } from "./test-helpers.ts";

async function indexOf(t: Parameters<typeof tempDir>[0], bytes: Buffer): Promise<TarIndex> {
  const file = path.join(tempDir(t), "a.tar");
  fs.writeFileSync(file, bytes);
  const index = await TarIndex.open(file);
  t.after(() => index.close());
  return index;
}

test("members are found by clean path and read by offset, without reading other bodies", async (t) => {
  const long = `${"d".repeat(120)}/${"f".repeat(120)}`;
  const big = Buffer.alloc(100_000, 7);
  const index = await indexOf(
    t,
    await tarEntries([
      { name: "./manifest.json", body: "[]" },
      { name: "big", body: big },
      { name: long, body: "long name" },
      { name: "dup", body: "first" },
      { name: "dup", body: "second" },
    ]),
  );
  assert.equal((await index.read("manifest.json", 10))?.toString(), "[]");
  assert.equal((await index.read("/manifest.json", 10))?.toString(), "[]");
  assert.equal((await index.read(long, 100))?.toString(), "long name");
  assert.equal((await index.read("dup", 100))?.toString(), "second");
  assert.deepEqual(await collect(await index.open("big")), big);
  assert.equal(await index.size("big"), big.length);
  assert.equal(await index.read("nope", 10), undefined);
  await assert.rejects(index.read("big", 10), (e) => isHoistError(e, "BAD_ARCHIVE"));
});

test("symlinks and hardlinks are followed; loops are BAD_ARCHIVE; links cannot leave the archive", async (t) => {
  const index = await indexOf(
    t,
    await tarEntries([
      { name: "blobs/sha256/abc", body: "blob" },
      { name: "dir/layer.tar", link: "../blobs/sha256/abc" },
      { name: "abs", link: "/blobs/sha256/abc" },
      { name: "hard", hardlink: "blobs/sha256/abc" },
      { name: "loop1", link: "loop2" },
      { name: "loop2", link: "loop1" },
      { name: "escape", link: "../../etc/passwd" },
    ]),
  );
  for (const name of ["dir/layer.tar", "abs", "hard"])
    assert.equal((await index.read(name, 10))?.toString(), "blob", name);
  assert.throws(
    () => index.file("loop1"),
    (e) => isHoistError(e, "BAD_ARCHIVE"),
  );
  assert.equal(index.file("escape"), undefined);
});

test(
  "GNU long names (as GNU tar writes them) are read",
  { skip: !have("tar") && "GNU tar is not installed" },
  async (t) => {
    const dir = tempDir(t);
    const name = `${"x".repeat(150)}.json`;
    fs.writeFileSync(path.join(dir, name), "gnu");
    execFileSync("tar", ["--format=gnu", "-C", dir, "-cf", path.join(dir, "gnu.tar"), name]);
    const index = await TarIndex.open(path.join(dir, "gnu.tar"));
    t.after(() => index.close());
    assert.equal((await index.read(name, 10))?.toString(), "gnu");
  },
);

test("truncated and corrupt archives are BAD_ARCHIVE", async (t) => {
  const good = await tarEntries([
    { name: "a", body: Buffer.alloc(3000, 1) },
    { name: "b", body: "b" },
  ]);
  const flipped = Buffer.from(good);
  flipped[3584 + 10] = 0x58; // inside b's header name
  const cases: Record<string, Buffer> = {
    "cut inside a body": good.subarray(0, 1024),
    "cut inside a header": good.subarray(0, 3584 + 100),
    "bad checksum": flipped,
    "not a tar": Buffer.alloc(2048, 0x61),
    "zeros only": Buffer.alloc(1024),
    empty: Buffer.alloc(0),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    const file = path.join(tempDir(t), "x.tar");
    fs.writeFileSync(file, bytes);
    await assert.rejects(TarIndex.open(file), (e) => isHoistError(e, "BAD_ARCHIVE"), name);
  }
});

test("cleanArchivePath", () => {
  assert.equal(cleanArchivePath("./a//b/"), "a/b");
  assert.equal(cleanArchivePath("/a/../b"), "b");
  assert.equal(cleanArchivePath("../x"), "x"); // rooted: ".." cannot climb above the archive root
  assert.equal(cleanArchivePath("a\0b"), undefined);
});
