import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { isHoistError } from "../errors.ts";
import { native } from "../native.ts";
import { createLayer } from "./layer-create.ts";
import type { LayerMode } from "./layer-create.ts";
import { extractLayer } from "./layer-extract.ts";
import { chunked, collect, snapshot, summarize, tarOf, tempDir } from "./test-helpers.ts";
import type { EntrySummary } from "./test-helpers.ts";
import type { TarHeaderInput } from "./tar/types.ts";

type E = TarHeaderInput & { body?: string | Buffer };

const cap = Buffer.from("0100000200200000000000000000000000000000", "hex");
const t0 = 1600000000;

/** A layer as docker would write it: parents first, whiteouts, an opaque dir, hardlinks, every file type. */
const original: E[] = [
  { name: ".wh.removed-at-root", type: "file", mode: 0o644, mtime: t0, body: "" },
  { name: "bin", type: "directory", mode: 0o755, mtime: t0 },
  { name: "bin/ping", type: "file", mode: 0o755, mtime: t0, xattrs: { "security.capability": cap }, body: "ping" },
  { name: "bin/sh", type: "symlink", linkname: "busybox", mtime: t0, mode: 0o777 },
  { name: "bin/su", type: "file", mode: 0o4755, mtime: { sec: t0, nsec: 250_000_000 }, body: "su" },
  // A hardlink entry carries the attributes of the inode it shares, as docker and GNU tar write them.
  {
    name: "bin/su-hardlink",
    type: "hardlink",
    linkname: "bin/su",
    mode: 0o4755,
    mtime: { sec: t0, nsec: 250_000_000 },
  },
  { name: "dev", type: "directory", mode: 0o755, mtime: t0 },
  { name: "dev/null", type: "char-device", mode: 0o666, devmajor: 1, devminor: 3, mtime: t0 },
  { name: "dev/sda", type: "block-device", mode: 0o660, devmajor: 8, devminor: 0, gid: 6, mtime: t0 },
  { name: "etc", type: "directory", mode: 0o755, mtime: t0 },
  { name: "etc/.wh.old.conf", type: "file", mode: 0o600, uid: 0, gid: 0, mtime: t0, body: "" },
  { name: "etc/app", type: "directory", mode: 0o750, uid: 100, gid: 101, mtime: t0 },
  { name: "etc/app/.wh..wh..opq", type: "file", mode: 0o750, uid: 100, gid: 101, mtime: t0, body: "" },
  {
    name: "etc/app/app.conf",
    type: "file",
    mode: 0o640,
    uid: 100,
    gid: 101,
    mtime: t0,
    xattrs: { "user.k": Buffer.from("v") },
    body: "k=v\n",
  },
  { name: "run", type: "directory", mode: 0o755, mtime: t0 },
  { name: "run/fifo", type: "fifo", mode: 0o600, mtime: t0 },
  { name: "tmp", type: "directory", mode: 0o1777, mtime: t0 },
  { name: "usr", type: "directory", mode: 0o755, mtime: t0 },
  { name: `usr/${"long".repeat(40)}`, type: "file", mode: 0o644, mtime: t0, body: Buffer.alloc(3 << 20, 9) },
];

async function extracted(t: TestContext, entries: E[]): Promise<string> {
  const dest = path.join(tempDir(t), "layer");
  await extractLayer(chunked(await tarOf(entries), 65536), dest);
  return dest;
}

async function entriesOf(dir: string, mode: LayerMode): Promise<EntrySummary[]> {
  return summarize(createLayer(dir, { mode }));
}

test("createLayer of an extracted layer gives back the original's entries", async (t) => {
  const dir = await extracted(t, original);
  const want = await summarize(await tarOf(original));
  const got = await entriesOf(dir, "overlay");
  assert.deepEqual(got, want);
});

test("extract(createLayer(dir, overlay)) reproduces the tree, whiteouts and opaque dirs included", async (t) => {
  const dir = await extracted(t, original);
  const again = path.join(tempDir(t), "again");
  await extractLayer(createLayer(dir, { mode: "overlay" }), again);
  assert.deepEqual(snapshot(again), snapshot(dir));
});

test("output is deterministic", async (t) => {
  const dir = await extracted(t, original);
  const a = await collect(createLayer(dir, { mode: "overlay" }));
  const b = await collect(createLayer(dir, { mode: "overlay" }));
  assert.deepEqual(a, b);
});

test("rootfs mode keeps character devices as they are and never writes overlay xattrs or markers", async (t) => {
  const dir = await extracted(t, original);
  const got = await entriesOf(dir, "rootfs");
  const names = got.map((e) => e.name);
  assert.ok(names.includes("removed-at-root"));
  assert.equal(got.find((e) => e.name === "removed-at-root")?.type, "char-device");
  assert.ok(!names.some((n) => n.includes(".wh.")));
  assert.ok(got.every((e) => Object.keys(e.xattrs).every((k) => !k.startsWith("trusted.overlay."))));
});

test("whiteouts come first in their directory; the opaque marker right after its directory", async (t) => {
  const dir = await extracted(t, [
    { name: "d", type: "directory", mode: 0o755 },
    { name: "d/.wh.zzz", type: "file", body: "" },
    { name: "d/!first", type: "file", body: "" },
    { name: "d/sub", type: "directory", mode: 0o755 },
    { name: "d/sub/.wh..wh..opq", type: "file", body: "" },
    { name: "d/sub/a", type: "file", body: "" },
  ]);
  const names = (await entriesOf(dir, "overlay")).map((e) => e.name);
  assert.deepEqual(names, ["d", "d/.wh.zzz", "d/!first", "d/sub", "d/sub/.wh..wh..opq", "d/sub/a"]);
});

test("sub-second mtimes can be truncated, as docker commits do", async (t) => {
  const dir = await extracted(t, original);
  const got = await summarize(createLayer(dir, { mode: "overlay", truncateMtime: true }));
  assert.equal(got.find((e) => e.name === "bin/su")?.mtime, `${t0}.0`);
});

test("overlayfs redirects cannot become a layer", async (t) => {
  const dir = tempDir(t);
  fs.mkdirSync(path.join(dir, "moved"));
  native().lsetxattr(path.join(dir, "moved"), "trusted.overlay.redirect", Buffer.from("/orig"));
  await assert.rejects(collect(createLayer(dir, { mode: "overlay" })), (e) => isHoistError(e, "UNSUPPORTED"));
});

test("GNU tar extracts a rootfs layer to the same tree", async (t) => {
  const dir = await extracted(
    t,
    original.filter((e) => !e.name.includes(".wh.")),
  );
  const work = tempDir(t);
  fs.writeFileSync(path.join(work, "l.tar"), await collect(createLayer(dir, { mode: "rootfs" })));
  const out = path.join(work, "out");
  fs.mkdirSync(out);
  execFileSync("tar", [
    "--xattrs",
    "--xattrs-include=*",
    "--numeric-owner",
    "-xpf",
    path.join(work, "l.tar"),
    "-C",
    out,
  ]);
  assert.deepEqual(snapshot(out), snapshot(dir));
});

test("an extracted layer works as an overlay lowerdir, and a container's upperdir becomes a layer", async (t) => {
  const work = tempDir(t);
  const base = await extracted(t, [
    { name: "etc", type: "directory", mode: 0o755 },
    { name: "etc/keep", type: "file", body: "keep" },
    { name: "etc/drop", type: "file", body: "drop" },
    { name: "var", type: "directory", mode: 0o755 },
    { name: "var/cache", type: "directory", mode: 0o755 },
    { name: "var/cache/old", type: "file", body: "old" },
  ]);
  const top = await extracted(t, [
    { name: "etc", type: "directory", mode: 0o755 },
    { name: "etc/.wh.drop", type: "file", body: "" },
    { name: "var", type: "directory", mode: 0o755 },
    { name: "var/cache", type: "directory", mode: 0o755 },
    { name: "var/cache/.wh..wh..opq", type: "file", body: "" },
    { name: "var/cache/new", type: "file", body: "new" },
  ]);
  const [upper, workdir, merged] = ["upper", "work", "merged"].map((d) => path.join(work, d)) as [
    string,
    string,
    string,
  ];
  for (const d of [upper, workdir, merged]) fs.mkdirSync(d);
  try {
    native().mount("overlay", merged, "overlay", 0, `lowerdir=${top}:${base},upperdir=${upper},workdir=${workdir}`);
  } catch (e) {
    t.skip(`cannot mount overlayfs here: ${(e as Error).message}`);
    return;
  }
  try {
    assert.deepEqual(fs.readdirSync(path.join(merged, "etc")).sort(), ["keep"]);
    assert.deepEqual(fs.readdirSync(path.join(merged, "var/cache")), ["new"]);
    // Act as a container: delete files, replace a directory.
    fs.unlinkSync(path.join(merged, "etc/keep"));
    fs.rmSync(path.join(merged, "var/cache"), { recursive: true });
    fs.mkdirSync(path.join(merged, "var/cache"));
    fs.writeFileSync(path.join(merged, "var/cache/fresh"), "fresh");
    fs.writeFileSync(path.join(merged, "etc/added"), "added");
  } finally {
    native().umount(merged, false);
  }
  const got = await entriesOf(upper, "overlay");
  const names = got.map((e) => `${e.type} ${e.name}`);
  assert.ok(names.includes("file etc/.wh.keep"), names.join("\n"));
  assert.ok(names.includes("file etc/added"));
  assert.ok(names.includes("file var/cache/.wh..wh..opq"), names.join("\n"));
  assert.ok(names.includes("file var/cache/fresh"));
  assert.ok(!names.some((n) => n.startsWith("hardlink")), "shared whiteout inodes are not hardlinks");
});

test("createLayer of a tree extracted from GNU tar --sort=name gives GNU tar's own entries back", async (t) => {
  const work = tempDir(t);
  const src = path.join(work, "src");
  fs.mkdirSync(path.join(src, "usr/bin"), { recursive: true });
  fs.mkdirSync(path.join(src, "etc"));
  fs.writeFileSync(path.join(src, "usr/bin/a-tool"), "#!/bin/sh\n", { mode: 0o755 });
  fs.linkSync(path.join(src, "usr/bin/a-tool"), path.join(src, "usr/bin/b-tool"));
  fs.symlinkSync("/usr/bin/a-tool", path.join(src, "usr/bin/c-link"));
  fs.writeFileSync(path.join(src, "etc/conf"), "x=1\n");
  native().lsetxattr(path.join(src, "etc/conf"), "user.origin", Buffer.from("test"));
  fs.writeFileSync(path.join(src, `${"long-".repeat(30)}name`), "long");
  fs.chownSync(path.join(src, "etc"), 10, 20);
  const tarPath = path.join(work, "gnu.tar");
  const args = ["--sort=name", "--numeric-owner", "--xattrs", "--xattrs-include=*", "--format=posix"];
  execFileSync("tar", [...args, "-cf", tarPath, "-C", src, "."]);
  const dest = path.join(work, "dest");
  await extractLayer(fs.createReadStream(tarPath), dest);
  const want = (await summarize(fs.readFileSync(tarPath))).filter((e) => e.name !== ""); // not the root
  assert.deepEqual(await entriesOf(dest, "rootfs"), want);
});
