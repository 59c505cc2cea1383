import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { isHoistError } from "../errors.ts";
import { sha256 } from "../oci/digest.ts";
import { native } from "../native.ts";
import { extractLayer } from "./layer-extract.ts";
import type { ExtractOptions, ExtractStats } from "./layer-extract.ts";
import { chunked, END, rawBlock, snapshot, tarOf, tempDir } from "./test-helpers.ts";
import type { TarHeaderInput } from "./tar/types.ts";

type E = TarHeaderInput & { body?: string | Buffer };

async function extract(
  t: TestContext,
  entries: E[] | Buffer,
  options: ExtractOptions = {},
): Promise<{ dest: string; stats: ExtractStats }> {
  const tar = Buffer.isBuffer(entries) ? entries : await tarOf(entries);
  const dest = path.join(tempDir(t), "layer");
  const stats = await extractLayer(chunked(tar, 4096), dest, options);
  return { dest, stats };
}

async function refused(
  t: TestContext,
  entries: E[] | Buffer,
  code: string,
  pattern: RegExp,
  options: ExtractOptions = {},
): Promise<string> {
  const tar = Buffer.isBuffer(entries) ? entries : await tarOf(entries);
  const dir = tempDir(t);
  const dest = path.join(dir, "layer");
  await assert.rejects(extractLayer(chunked(tar, 4096), dest, options), (e) => {
    assert.ok(isHoistError(e), String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  });
  assert.equal(fs.existsSync(dest), false, "the partial layer is removed");
  return dir;
}

const file = (name: string, body = "data", extra: Partial<TarHeaderInput> = {}): E => ({
  name,
  type: "file",
  mode: 0o644,
  body,
  ...extra,
});
const dir = (name: string, extra: Partial<TarHeaderInput> = {}): E => ({
  name,
  type: "directory",
  mode: 0o755,
  ...extra,
});

function isWhiteout(p: string): boolean {
  const st = fs.lstatSync(p);
  return st.isCharacterDevice() && st.rdev === 0;
}

function opaque(p: string): string | undefined {
  return native().lgetxattr(p, "trusted.overlay.opaque")?.toString();
}

test("extracts files, dirs, symlinks, hardlinks, devices and fifos with their attributes", async (t) => {
  const cap = Buffer.from("0100000200200000000000000000000000000000", "hex");
  const { dest, stats } = await extract(t, [
    dir("etc", { mtime: 1500000000 }),
    file("etc/passwd", "root:x:0:0\n", { mtime: { sec: 1500000001, nsec: 123456789 } }),
    dir("tmp", { mode: 0o1777 }),
    dir("shared", { mode: 0o2775, gid: 50 }),
    file("shared/f", "in setgid dir", { uid: 1000, gid: 1000 }),
    file("bin/su", "elf", { mode: 0o4755 }),
    file("bin/ping", "elf", { mode: 0o755, xattrs: { "security.capability": cap, "user.a": Buffer.from("b") } }),
    { name: "bin/su-again", type: "hardlink", linkname: "bin/su" },
    { name: "bin/sh", type: "symlink", linkname: "/bin/busybox", uid: 7, gid: 8, mtime: 1400000000 },
    { name: "dev/null", type: "char-device", devmajor: 1, devminor: 3, mode: 0o666 },
    { name: "dev/loop0", type: "block-device", devmajor: 7, devminor: 0, mode: 0o660, gid: 6 },
    { name: "run/fifo", type: "fifo", mode: 0o600 },
  ]);
  assert.equal(stats.entries, 12);
  assert.equal(stats.contentBytes, "root:x:0:0\n".length + "in setgid dir".length + 3 + 3);
  const s = snapshot(dest);
  assert.equal(s["etc"]?.mtime, "1500000000000000000");
  assert.equal(s["etc/passwd"]?.mtime, "1500000001123456789");
  assert.equal(s["tmp"]?.mode, 0o1777);
  assert.equal(s["shared"]?.mode, 0o2775);
  assert.equal(s["shared"]?.gid, 50);
  assert.equal(s["shared/f"]?.uid, 1000);
  assert.equal(s["shared/f"]?.gid, 1000);
  assert.equal(s["bin/su"]?.mode, 0o4755);
  assert.deepEqual(s["bin/su"]?.links, ["bin/su-again"]);
  assert.equal(s["bin/ping"]?.xattrs["security.capability"], cap.toString("hex"));
  assert.equal(s["bin/ping"]?.xattrs["user.a"], "62");
  assert.equal(s["bin/sh"]?.link, "/bin/busybox");
  assert.equal(s["bin/sh"]?.uid, 7);
  assert.equal(s["bin/sh"]?.mtime, "1400000000000000000");
  assert.equal(s["dev/null"]?.type, "char");
  assert.equal(s["dev/null"]?.rdev, (1 << 8) | 3);
  assert.equal(s["dev/loop0"]?.type, "block");
  assert.equal(s["run/fifo"]?.type, "fifo");
  assert.equal(s["run/fifo"]?.mode, 0o600);
});

test("the diffID covers every byte read, trailing padding included; a wrong expected diffID fails", async (t) => {
  const tar = Buffer.concat([await tarOf([file("a", "x".repeat(3000))]), Buffer.alloc(10240)]);
  const { stats } = await extract(t, tar);
  assert.equal(stats.bytes, tar.length);
  assert.equal(stats.diffID, sha256(tar));
  await extract(t, tar, { expectedDiffID: sha256(tar) });
  await refused(t, tar, "DIGEST_INVALID", /diffID mismatch/, { expectedDiffID: sha256("other") });
});

test("a leading slash is dropped, as docker and GNU tar do", async (t) => {
  const { dest } = await extract(t, [file("/etc/hostname", "box"), file("./etc/../etc/hosts", "h")]);
  assert.equal(fs.readFileSync(path.join(dest, "etc/hostname"), "utf8"), "box");
  assert.equal(fs.readFileSync(path.join(dest, "etc/hosts"), "utf8"), "h");
});

test("paths that climb out of the root are UNSAFE_PATH naming the entry", async (t) => {
  for (const name of ["../evil", "a/../../evil", "/../evil", "./../../evil"]) {
    const dir = await refused(
      t,
      [file("ok"), file(name)],
      "UNSAFE_PATH",
      new RegExp(`"${name.replace(/\./g, "\\.")}"`),
    );
    assert.equal(fs.existsSync(path.join(dir, "evil")), false);
  }
});

test("writing through a symlinked parent is UNSAFE_PATH", async (t) => {
  const outside = tempDir(t);
  await refused(
    t,
    [{ name: "link", type: "symlink", linkname: outside }, file("link/pwned")],
    "UNSAFE_PATH",
    /"link\/pwned".*symlink/,
  );
  assert.deepEqual(fs.readdirSync(outside), []);
  await refused(t, [{ name: "up", type: "symlink", linkname: ".." }, file("up/pwned")], "UNSAFE_PATH", /"up\/pwned"/);
  await refused(t, [dir("d"), { name: "s", type: "symlink", linkname: "d" }, file("s/f")], "UNSAFE_PATH", /"s\/f"/);
  await refused(
    t,
    [
      { name: "s", type: "symlink", linkname: "/" },
      { name: "s/.wh.x", type: "file", body: "" },
    ],
    "UNSAFE_PATH",
    /symlink/,
  );
  await refused(
    t,
    [
      { name: "s", type: "symlink", linkname: "/" },
      { name: "s/.wh..wh..opq", type: "file", body: "" },
    ],
    "UNSAFE_PATH",
    /symlink/,
  );
});

test("a symlink entry replacing a file does not let a later entry write through it", async (t) => {
  const outside = tempDir(t);
  await refused(t, [dir("d"), { name: "d", type: "symlink", linkname: outside }, file("d/x")], "UNSAFE_PATH", /"d\/x"/);
  assert.deepEqual(fs.readdirSync(outside), []);
});

test("replacing a hardlink or a symlink never writes through it", async (t) => {
  const outside = path.join(tempDir(t), "victim");
  fs.writeFileSync(outside, "untouched");
  const { dest } = await extract(t, [
    file("a", "original"),
    { name: "b", type: "hardlink", linkname: "a" },
    file("b", "replacement"),
    { name: "s", type: "symlink", linkname: outside },
    file("s", "not through the link"),
  ]);
  assert.equal(fs.readFileSync(path.join(dest, "a"), "utf8"), "original");
  assert.equal(fs.readFileSync(path.join(dest, "b"), "utf8"), "replacement");
  assert.equal(fs.readFileSync(path.join(dest, "s"), "utf8"), "not through the link");
  assert.equal(fs.readFileSync(outside, "utf8"), "untouched");
});

test("hardlinks must point at a non-directory already in the layer", async (t) => {
  const h = (linkname: string): E => ({ name: "h", type: "hardlink", linkname });
  await refused(t, [h("../../etc/passwd")], "UNSAFE_PATH", /"h".*escapes/);
  await refused(t, [h("/etc/passwd")], "UNSAFE_PATH", /"h".*not in the layer/);
  await refused(t, [h("later"), file("later")], "UNSAFE_PATH", /"h"/);
  await refused(t, [dir("d"), h("d")], "UNSAFE_PATH", /directory/);
  await refused(t, [{ name: "s", type: "symlink", linkname: "/etc" }, h("s/passwd")], "UNSAFE_PATH", /"h"/);
  await refused(t, [{ name: ".wh.gone", type: "file", body: "" }, h("gone")], "UNSAFE_PATH", /"h"/);
  const { dest } = await extract(t, [{ name: "s", type: "symlink", linkname: "/etc/shadow" }, h("s")]);
  assert.equal(fs.readlinkSync(path.join(dest, "h")), "/etc/shadow");
  assert.equal(fs.lstatSync(path.join(dest, "h")).nlink, 2);
});

test("invalid whiteouts are UNSAFE_PATH", async (t) => {
  await refused(t, [{ name: "a/.wh.", type: "file", body: "" }], "UNSAFE_PATH", /"a\/\.wh\.".*invalid whiteout/);
  await refused(t, [{ name: ".wh..", type: "file", body: "" }], "UNSAFE_PATH", /invalid whiteout/);
  await refused(t, [{ name: ".wh.x/child", type: "file", body: "" }], "UNSAFE_PATH", /cannot have children/);
  await refused(t, [dir(".wh.x")], "UNSAFE_PATH", /must not be a directory/);
});

test("whiteouts become 0/0 character devices; opaque markers become trusted.overlay.opaque=y", async (t) => {
  const { dest } = await extract(t, [
    dir("a"),
    { name: "a/.wh.gone", type: "file", mode: 0o600, uid: 3, gid: 4, body: "" },
    { name: "deep/er/.wh.x", type: "file", body: "" },
    dir("o"),
    { name: "o/.wh..wh..opq", type: "file", body: "" },
    file("o/kept"),
    { name: ".wh..wh..opq", type: "file", body: "" },
  ]);
  assert.ok(isWhiteout(path.join(dest, "a/gone")));
  assert.equal(fs.lstatSync(path.join(dest, "a/gone")).uid, 3);
  assert.equal(fs.existsSync(path.join(dest, "a/.wh.gone")), false);
  assert.ok(isWhiteout(path.join(dest, "deep/er/x")));
  assert.equal(opaque(path.join(dest, "o")), "y");
  assert.equal(opaque(dest), "y");
  assert.equal(fs.readFileSync(path.join(dest, "o/kept"), "utf8"), "data");
  assert.equal(opaque(path.join(dest, "a")), undefined);
});

test("an opaque marker applies wherever it sits in the tar; the layer's own entries survive", async (t) => {
  const { dest } = await extract(t, [
    dir("a"),
    dir("a/b"),
    dir("a/b/c"),
    file("a/b/c/foo"),
    { name: "a/.wh..wh..opq", type: "file", body: "" },
  ]);
  assert.equal(opaque(path.join(dest, "a")), "y");
  assert.equal(fs.readFileSync(path.join(dest, "a/b/c/foo"), "utf8"), "data");
});

test("a whiteout and an entry of the same layer: the entry stays, a directory becomes opaque", async (t) => {
  const { dest } = await extract(t, [
    { name: ".wh.b", type: "file", body: "" },
    dir("b"),
    file("b/new"),
    dir("c"),
    { name: ".wh.c", type: "file", body: "" },
    file("f"),
    { name: ".wh.f", type: "file", body: "" },
    { name: ".wh.g", type: "file", body: "" },
    file("g", "replaces the whiteout"),
    { name: ".wh.p", type: "file", body: "" },
    file("p/child"),
  ]);
  assert.equal(opaque(path.join(dest, "b")), "y");
  assert.ok(fs.existsSync(path.join(dest, "b/new")));
  assert.equal(opaque(path.join(dest, "c")), "y");
  assert.equal(fs.readFileSync(path.join(dest, "f"), "utf8"), "data");
  assert.equal(fs.readFileSync(path.join(dest, "g"), "utf8"), "replaces the whiteout");
  assert.equal(opaque(path.join(dest, "p")), "y");
});

test("a later entry replaces an earlier one at the same path; directories merge", async (t) => {
  const { dest } = await extract(t, [
    file("x", "first"),
    file("x", "second"),
    dir("d", { mode: 0o700 }),
    file("d/inner"),
    dir("d", { mode: 0o750 }),
    file("y"),
    dir("y"),
    dir("z"),
    file("z/inner"),
    { name: "z", type: "symlink", linkname: "x" },
  ]);
  assert.equal(fs.readFileSync(path.join(dest, "x"), "utf8"), "second");
  assert.equal(fs.statSync(path.join(dest, "d")).mode & 0o777, 0o750);
  assert.ok(fs.existsSync(path.join(dest, "d/inner")));
  assert.ok(fs.statSync(path.join(dest, "y")).isDirectory());
  assert.equal(fs.readlinkSync(path.join(dest, "z")), "x");
});

test("overlayfs xattrs in the tar are dropped; aufs metadata and the root entry are skipped", async (t) => {
  const { dest } = await extract(t, [
    dir("./", { mode: 0o700 }),
    dir("d", {
      xattrs: {
        "trusted.overlay.opaque": Buffer.from("y"),
        "trusted.overlay.redirect": Buffer.from("/x"),
        "user.ok": Buffer.from("1"),
      },
    }),
    dir(".wh..wh.plnk"),
    file(".wh..wh.plnk/123.456"),
    file(".wh..wh.aufs"),
  ]);
  assert.deepEqual(native().llistxattr(path.join(dest, "d")), ["user.ok"]);
  assert.deepEqual(fs.readdirSync(dest), ["d"]);
  assert.equal(fs.statSync(dest).mode & 0o777, 0o755);
});

test("budgets: too many bytes or entries is BUDGET_EXCEEDED", async (t) => {
  const entries = [file("a", "x".repeat(100_000)), file("b", "y".repeat(100_000))];
  await refused(t, entries, "BUDGET_EXCEEDED", /budget of 150000 bytes/, { maxBytes: 150_000 });
  await refused(t, entries, "BUDGET_EXCEEDED", /more than 1 entries.*"b"/, { maxEntries: 1 });
});

test("truncated or corrupt input is BAD_ARCHIVE and removes the directory", async (t) => {
  await refused(t, [file("ok"), file("huge-uid", "x", { uid: 2 ** 32 })], "BAD_ARCHIVE", /"huge-uid".*out of range/);
  const tar = await tarOf([file("a", "x".repeat(10_000)), file("b")]);
  await refused(t, tar.subarray(0, 5000), "BAD_ARCHIVE", /"a"/);
  const corrupt = Buffer.from(tar);
  corrupt[512 + 10240 + 3] = 0x41;
  await refused(t, corrupt, "BAD_ARCHIVE", /checksum.*after entry "a"/);
  await refused(
    t,
    Buffer.concat([rawBlock({ name: "odd", typeflag: "Z" }), END]),
    "BAD_ARCHIVE",
    /"odd".*unsupported entry type/,
  );
});

test("a filesystem failure in a background job is IO naming its entry, and cleans up", async (t) => {
  const name = `a/${"x".repeat(300)}`;
  await refused(
    t,
    [file("a/ok"), file(name), file("a/after")],
    "IO",
    new RegExp(`"${name}".*ENAMETOOLONG|name too long`, "i"),
  );
});

test("a non-empty destination is refused; an abort stops and cleans up", async (t) => {
  const dest = tempDir(t);
  fs.writeFileSync(path.join(dest, "old"), "");
  await assert.rejects(extractLayer(chunked(await tarOf([file("a")]), 512), dest), (e) => isHoistError(e, "CONFLICT"));
  const ac = new AbortController();
  ac.abort();
  const target = path.join(tempDir(t), "l");
  await assert.rejects(
    extractLayer(chunked(await tarOf([file("a")]), 512), target, { signal: ac.signal }),
    (e) => (e as Error).name === "AbortError",
  );
  assert.equal(fs.existsSync(target), false);
});

test("a tree archived by GNU tar --xattrs extracts to the same tree", async (t) => {
  const work = tempDir(t);
  const src = path.join(work, "src");
  fs.mkdirSync(path.join(src, "usr/bin"), { recursive: true });
  fs.mkdirSync(path.join(src, "tmp"), { mode: 0o777 });
  fs.chmodSync(path.join(src, "tmp"), 0o1777);
  fs.writeFileSync(path.join(src, "usr/bin/tool"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
  fs.chmodSync(path.join(src, "usr/bin/tool"), 0o4755);
  native().lsetxattr(path.join(src, "usr/bin/tool"), "user.origin", Buffer.from("gnu"));
  fs.writeFileSync(path.join(src, "usr/bin/capped"), "bin");
  native().lsetxattr(
    path.join(src, "usr/bin/capped"),
    "security.capability",
    Buffer.from("0100000200200000000000000000000000000000", "hex"),
  );
  fs.linkSync(path.join(src, "usr/bin/tool"), path.join(src, "usr/bin/tool2"));
  fs.symlinkSync("tool", path.join(src, "usr/bin/link"));
  fs.writeFileSync(path.join(src, `${"n".repeat(150)}.txt`), Buffer.alloc(100_000, 7));
  fs.mkdirSync(path.join(src, "owned"));
  fs.chownSync(path.join(src, "owned"), 1234, 5678);
  execFileSync("mkfifo", [path.join(src, "fifo")]);
  fs.utimesSync(path.join(src, "usr/bin/capped"), 1600000000.5, 1600000000.5);
  fs.utimesSync(path.join(src, "usr"), 1500000000, 1500000000);
  fs.utimesSync(path.join(src, "usr/bin"), 1500000000, 1500000000);
  const tarPath = path.join(work, "gnu.tar");
  execFileSync("tar", [
    "--xattrs",
    "--xattrs-include=*",
    "--format=posix",
    "--numeric-owner",
    "-cf",
    tarPath,
    "-C",
    src,
    ".",
  ]);
  const dest = path.join(work, "dest");
  const stats = await extractLayer(fs.createReadStream(tarPath), dest);
  assert.equal(stats.diffID, sha256(fs.readFileSync(tarPath)));
  assert.deepEqual(snapshot(dest), snapshot(src));
});
