import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { isHoistError } from "../../errors.ts";
import { native } from "../../native.ts";
import { chunked, collect, summarize, tarOf, tempDir } from "../test-helpers.ts";
import { readTar } from "./reader.ts";
import { encodeEntryHeader, writeTar } from "./writer.ts";

const cap = Buffer.from("0100000200200000000000000000000000000000", "hex");
const longName = `${"a".repeat(90)}/${"b".repeat(90)}/${"c".repeat(90)}.txt`;

const sample = () =>
  tarOf([
    { name: "dir", type: "directory", mode: 0o1777, mtime: 1600000000 },
    { name: "dir/setuid", type: "file", mode: 0o4755, uid: 1000, gid: 1000, mtime: 1600000000, body: "#!/bin/sh\n" },
    {
      name: "dir/caps",
      type: "file",
      mode: 0o755,
      xattrs: { "security.capability": cap, "user.note": Buffer.from("hi") },
      body: "x",
    },
    { name: "dir/frac", type: "file", mode: 0o644, mtime: { sec: 1600000000, nsec: 5 }, body: "" },
    { name: longName, type: "file", mode: 0o600, body: Buffer.alloc(70000, 1) },
    { name: `${"p".repeat(140)}/short`, type: "file", mode: 0o644, body: "prefix split" },
    { name: "ünïcode", type: "file", mode: 0o644, body: "u" },
    { name: "big-ids", type: "file", mode: 0o644, uid: 5_000_000, gid: 70_000_000, body: "" },
    { name: "sym", type: "symlink", linkname: "l".repeat(200), mode: 0o777 },
    { name: "hard", type: "hardlink", linkname: "dir/setuid" },
    { name: "null", type: "char-device", devmajor: 1, devminor: 3, mode: 0o666 },
    { name: "loop0", type: "block-device", devmajor: 7, devminor: 0, mode: 0o660 },
    { name: "fifo", type: "fifo", mode: 0o644 },
  ]);

test("writer output reads back exactly, using PAX only where ustar falls short", async () => {
  const tar = await sample();
  const entries = await summarize(tar);
  const byName = new Map(entries.map((e) => [e.name, e]));
  assert.equal(entries.length, 13);
  assert.equal(byName.get("dir")?.mode, 0o1777);
  assert.equal(byName.get("dir/setuid")?.mode, 0o4755);
  assert.equal(byName.get("dir/caps")?.xattrs["security.capability"], cap.toString("hex"));
  assert.equal(byName.get("dir/frac")?.mtime, "1600000000.5");
  assert.ok(byName.has(longName));
  assert.ok(byName.has("ünïcode"));
  assert.equal(byName.get("big-ids")?.uid, 5_000_000);
  assert.equal(byName.get("big-ids")?.gid, 70_000_000);
  assert.equal(byName.get("sym")?.linkname, "l".repeat(200));
  assert.equal(byName.get("hard")?.linkname, "dir/setuid");
  assert.equal(byName.get("null")?.dev, "1,3");
  assert.equal(byName.get("loop0")?.type, "block-device");
  assert.equal(byName.get("fifo")?.type, "fifo");
  // The 140-character directory fits the ustar prefix field: no PAX header for it.
  assert.equal(encodeEntryHeader({ name: `${"p".repeat(140)}/short`, type: "file" }).length, 512);
  assert.equal(encodeEntryHeader({ name: longName, type: "file" }).length > 512, true);
  // Same input, same bytes.
  assert.deepEqual(await sample(), tar);
});

test("sizes beyond the ustar field go to PAX", async () => {
  const size = 20 * 2 ** 30;
  const header = encodeEntryHeader({ name: "huge", type: "file", size });
  for await (const e of readTar(chunked(header, 512))) {
    assert.equal(e.header.size, size);
    break;
  }
});

test("a body that does not match the size fails as SIZE_INVALID", async () => {
  const entry = { header: { name: "f", type: "file" as const, size: 10 }, body: [Buffer.from("short")] };
  await assert.rejects(collect(writeTar([entry])), (e) => isHoistError(e, "SIZE_INVALID") && /"f"/.test(e.message));
});

test("GNU tar lists and extracts the writer's output with its attributes", async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, "t.tar"), await sample());
  const listing = execFileSync("tar", ["-tvf", path.join(dir, "t.tar")], { encoding: "utf8" });
  assert.match(listing, /drwxrwxrwt .*dir\//);
  assert.match(listing, /-rwsr-xr-x 1000\/1000 .*dir\/setuid/);
  const out = path.join(dir, "out");
  fs.mkdirSync(out);
  execFileSync("tar", [
    "--xattrs",
    "--xattrs-include=*",
    "--numeric-owner",
    "-xpf",
    path.join(dir, "t.tar"),
    "-C",
    out,
  ]);
  assert.equal(fs.readFileSync(path.join(out, longName)).length, 70000);
  assert.equal(fs.statSync(path.join(out, "dir/setuid")).mode & 0o7777, 0o4755);
  assert.equal(fs.statSync(path.join(out, "dir/setuid")).ino, fs.statSync(path.join(out, "hard")).ino);
  assert.equal(fs.statSync(path.join(out, "big-ids")).uid, 5_000_000);
  assert.equal(fs.readlinkSync(path.join(out, "sym")), "l".repeat(200));
  assert.deepEqual(native().lgetxattr(path.join(out, "dir/caps"), "security.capability"), cap);
  assert.equal(fs.lstatSync(path.join(out, "dir/frac"), { bigint: true }).mtimeNs, 1600000000_000000005n);
  assert.ok(fs.lstatSync(path.join(out, "null")).isCharacterDevice());
});
