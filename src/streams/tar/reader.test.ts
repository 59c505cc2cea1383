import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import zlib from "node:zlib";
import { isHoistError } from "../../errors.ts";
import { chunked, END, pad, rawBlock, summarize, tempDir } from "../test-helpers.ts";
import { encodePax } from "./pax.ts";
import { readTar } from "./reader.ts";
import type { TarHeader } from "./types.ts";

async function headers(tar: Buffer, chunk = 1 << 16): Promise<TarHeader[]> {
  const out: TarHeader[] = [];
  for await (const e of readTar(chunked(tar, chunk))) out.push(e.header);
  return out;
}

function paxBlock(records: [string, string | Buffer][], typeflag = "x"): Buffer {
  const body = encodePax(records.map(([k, v]) => [k, typeof v === "string" ? Buffer.from(v) : v]));
  return Buffer.concat([rawBlock({ name: "PaxHeaders/x", typeflag, size: body.length }), pad(body)]);
}

const longDir = `${"d".repeat(60)}/${"e".repeat(60)}/${"f".repeat(60)}`;

for (const format of ["gnu", "posix", "ustar", "v7"] as const) {
  test(`reads a GNU tar --format=${format} archive`, async (t) => {
    const dir = tempDir(t);
    const src = path.join(dir, "src");
    const long = format === "gnu" || format === "posix";
    const deep = long ? `${longDir}/${"g".repeat(80)}` : "short/dir";
    fs.mkdirSync(path.join(src, deep), { recursive: true });
    fs.writeFileSync(path.join(src, deep, "file.txt"), "content\n".repeat(100));
    fs.symlinkSync(long ? "x".repeat(150) : "target", path.join(src, "link"));
    fs.linkSync(path.join(src, deep, "file.txt"), path.join(src, "hard"));
    fs.writeFileSync(path.join(src, "empty"), "");
    execFileSync("tar", [
      `--format=${format}`,
      "-cf",
      path.join(dir, "t.tar"),
      "-C",
      src,
      "hard",
      "link",
      "empty",
      deep.split("/")[0] as string,
    ]);
    const entries = await summarize(fs.readFileSync(path.join(dir, "t.tar")));
    const byName = new Map(entries.map((e) => [e.name, e]));
    assert.equal(byName.get("hard")?.type, "file");
    assert.equal(byName.get(`${deep}/file.txt`)?.type, "hardlink");
    assert.equal(byName.get(`${deep}/file.txt`)?.linkname, "hard");
    assert.equal(byName.get("link")?.linkname, long ? "x".repeat(150) : "target");
    assert.equal(byName.get(deep)?.type, "directory");
    assert.equal(byName.get("empty")?.body, byName.get("link")?.body); // both empty
    assert.notEqual(byName.get("hard")?.body, byName.get("empty")?.body);
  });
}

test("reads PAX records: path, linkpath, size, ids, names, fractional mtime, xattrs", async () => {
  const cap = Buffer.from("0100000200200000000000000000000000000000", "hex");
  const tar = Buffer.concat([
    paxBlock([
      ["path", "a/ünïcode/" + "n".repeat(200)],
      ["uid", "3000000"],
      ["gid", "4000000"],
      ["uname", "someone"],
      ["gname", "group"],
      ["mtime", "1700000000.123456789"],
      ["SCHILY.xattr.security.capability", cap],
      ["SCHILY.xattr.user.nl", "a\nb=c"],
      ["LIBARCHIVE.xattr.user.b64", Buffer.from("aGVsbG8=")],
      ["vendor.key", "kept"],
    ]),
    rawBlock({ name: "short", size: 3 }),
    pad(Buffer.from("abc")),
    paxBlock([
      ["linkpath", "l".repeat(300)],
      ["mtime", "-1.25"],
    ]),
    rawBlock({ name: "sym", typeflag: "2" }),
    END,
  ]);
  const [a, b] = await headers(tar, 100);
  assert.ok(a && b);
  assert.equal(a.name, "a/ünïcode/" + "n".repeat(200));
  assert.equal(a.uid, 3000000);
  assert.equal(a.gid, 4000000);
  assert.equal(a.uname, "someone");
  assert.equal(a.gname, "group");
  assert.deepEqual(a.mtime, { sec: 1700000000, nsec: 123456789 });
  assert.deepEqual(a.xattrs["security.capability"], cap);
  assert.equal(a.xattrs["user.nl"]?.toString(), "a\nb=c");
  assert.equal(a.xattrs["user.b64"]?.toString(), "hello");
  assert.equal(a.pax["vendor.key"], "kept");
  assert.equal(b.type, "symlink");
  assert.equal(b.linkname, "l".repeat(300));
  assert.deepEqual(b.mtime, { sec: -2, nsec: 750000000 });
});

test("PAX global headers apply to later entries; local records override; empty values delete", async () => {
  const tar = Buffer.concat([
    paxBlock(
      [
        ["uname", "global"],
        ["comment", "x"],
      ],
      "g",
    ),
    rawBlock({ name: "one", uname: "ustar" }),
    paxBlock([["uname", "local"]]),
    rawBlock({ name: "two" }),
    paxBlock([["uname", ""]]),
    rawBlock({ name: "three", uname: "field" }),
    END,
  ]);
  const [one, two, three] = await headers(tar);
  assert.equal(one?.uname, "global");
  assert.equal(two?.uname, "local");
  assert.equal(three?.uname, "field");
});

test("reads GNU base-256 numbers, including negative mtimes", async () => {
  const block = rawBlock({ name: "big", typeflag: "5" }, (b) => {
    b.fill(0, 108, 116);
    b[108] = 0x80;
    b.writeUInt32BE(0x12345678, 112); // uid
    b.fill(0xff, 136, 148); // mtime -1
  });
  const [h] = await headers(Buffer.concat([block, END]));
  assert.equal(h?.uid, 0x12345678);
  assert.equal(h?.mtime.sec, -1);
});

test("old-style directories (regular type, trailing slash) and GNU long names are read", async () => {
  const name = `${"x".repeat(120)}/${"y".repeat(120)}`;
  const tar = Buffer.concat([
    rawBlock({ name: "olddir/", typeflag: "0" }),
    rawBlock({ name: "././@LongLink", typeflag: "L", size: name.length + 1 }),
    pad(Buffer.from(`${name}\0`)),
    rawBlock({ name: "././@LongLink", typeflag: "K", size: 201 }),
    pad(Buffer.from(`${"t".repeat(200)}\0`)),
    rawBlock({ name: name.slice(0, 100), typeflag: "2" }),
    END,
  ]);
  const [a, b] = await headers(tar, 33);
  assert.equal(a?.type, "directory");
  assert.equal(b?.name, name);
  assert.equal(b?.linkname, "t".repeat(200));
});

test("unread bodies are skipped, across odd chunk boundaries", async () => {
  const bodies = ["", "x", "y".repeat(511), "z".repeat(512), "w".repeat(513), "v".repeat(5000)];
  const tar = Buffer.concat([
    ...bodies.flatMap((b, i) => [rawBlock({ name: `f${i}`, size: b.length }), pad(Buffer.from(b))]),
    END,
  ]);
  for (const chunk of [1, 7, 512, 4096]) {
    const seen: string[] = [];
    let i = 0;
    for await (const e of readTar(chunked(tar, chunk))) {
      if (i++ % 2 === 0) seen.push((await e.buffer()).toString());
      else seen.push(`skipped ${e.header.name}`);
    }
    assert.deepEqual(
      seen,
      bodies.map((b, j) => (j % 2 === 0 ? b : `skipped f${j}`)),
    );
  }
});

test("the end marker may be missing; what follows it is drained and seen by onChunk", async () => {
  const body = pad(Buffer.from("hi"));
  assert.equal((await headers(Buffer.concat([rawBlock({ name: "a", size: 2 }), body]))).length, 1);
  const withTrailer = Buffer.concat([rawBlock({ name: "a", size: 2 }), body, END, Buffer.alloc(9000)]);
  let seen = 0;
  for await (const _ of readTar(chunked(withTrailer, 1000), { onChunk: (c) => (seen += c.length) }));
  assert.equal(seen, withTrailer.length);
});

async function rejects(tar: Buffer, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(
    async () => {
      for await (const e of readTar(chunked(tar, 300))) await e.buffer();
    },
    (e) => isHoistError(e) && e.code === code && pattern.test(e.message),
  );
}

test("a header checksum mismatch is BAD_ARCHIVE naming the entry", async () => {
  const good = rawBlock({ name: "first" });
  const bad = rawBlock({ name: "second" }, (b) => (b[0] = "S".charCodeAt(0)), true);
  await rejects(Buffer.concat([good, bad, END]), "BAD_ARCHIVE", /checksum.*"Second".*after entry "first"/);
});

test("truncation anywhere is BAD_ARCHIVE naming the entry", async () => {
  const body = Buffer.from("q".repeat(1000));
  const tar = Buffer.concat([
    rawBlock({ name: "ok", size: 0 }),
    rawBlock({ name: "victim", size: body.length }),
    pad(body),
    END,
  ]);
  await rejects(tar.subarray(0, 512 + 100), "BAD_ARCHIVE", /partial header after entry "ok"/);
  await rejects(tar.subarray(0, 1024 + 500), "BAD_ARCHIVE", /"victim" is incomplete/);
  await rejects(tar.subarray(0, 1024 + 1010), "BAD_ARCHIVE", /"victim" is incomplete/);
  const pax = paxBlock([["path", "p".repeat(300)]]);
  await rejects(pax.subarray(0, 600), "BAD_ARCHIVE", /incomplete PAX header/);
});

test("corrupt headers and PAX records are BAD_ARCHIVE", async () => {
  await rejects(
    Buffer.concat([rawBlock({ name: "n" }, (b) => b.write("12x", 124, "latin1")), END]),
    "BAD_ARCHIVE",
    /invalid size.*"n"/,
  );
  const badPax = rawBlock({ name: "p", typeflag: "x", size: 12 });
  await rejects(Buffer.concat([badPax, pad(Buffer.from("99 path=abc\n")), rawBlock({}), END]), "BAD_ARCHIVE", /PAX/);
  await rejects(
    Buffer.concat([rawBlock({ name: "a" }), Buffer.alloc(512), rawBlock({ name: "b" }), END]),
    "BAD_ARCHIVE",
    /zero block followed by data/,
  );
  const huge = rawBlock({ name: "p", typeflag: "x", size: 5 << 20 });
  await rejects(Buffer.concat([huge, END]), "BAD_ARCHIVE", /limit/);
});

test("compressed input is BAD_ARCHIVE with a hint", async () => {
  const gz = zlib.gzipSync(Buffer.concat([rawBlock({ name: "a" }), END]));
  await rejects(Buffer.concat([gz, Buffer.alloc(1024)]), "BAD_ARCHIVE", /compressed/);
});

test("sparse entries are refused as UNSUPPORTED", async () => {
  await rejects(Buffer.concat([rawBlock({ name: "s", typeflag: "S" }), END]), "UNSUPPORTED", /"s".*sparse/);
  await rejects(
    Buffer.concat([paxBlock([["GNU.sparse.major", "1"]]), rawBlock({ name: "s2" }), END]),
    "UNSUPPORTED",
    /"s2"/,
  );
});

test("breaking out of the loop stops reading", async () => {
  const tar = Buffer.concat([rawBlock({ name: "a" }), rawBlock({ name: "b" }), END]);
  const names: string[] = [];
  for await (const e of readTar(chunked(tar, 512))) {
    names.push(e.header.name);
    break;
  }
  assert.deepEqual(names, ["a"]);
});

test("a body cannot be read once the reader has moved on", async () => {
  const tar = Buffer.concat([rawBlock({ name: "a", size: 1 }), pad(Buffer.from("a")), rawBlock({ name: "b" }), END]);
  const kept = [];
  for await (const e of readTar(chunked(tar, 512))) kept.push(e);
  await assert.rejects(kept[0]!.buffer(), (e) => isHoistError(e, "INTERNAL") && /"a"/.test(e.message));
});
