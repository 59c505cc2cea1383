import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import { gzipSync, zstdCompressSync } from "node:zlib";
import { copy } from "../../copy/index.ts";
import { isHoistError, type ErrorCode } from "../../errors.ts";
import { sha256 } from "../../oci/index.ts";
import { makeImage, memSource, summarize, tarEntries, tempDir, type MemImage } from "../archive-common/test-helpers.ts";
import { createOciLayoutSink, openOciLayoutSource } from "../oci-layout/index.ts";
import { createDockerArchiveSink, openDockerArchiveSource } from "./index.ts";

const hex = (d: string) => d.slice(7);

/** docker save before docker 25: <v1 id>/layer.tar, <config hex>.json, manifest.json, repositories. */
async function legacyArchive(
  image: MemImage,
  options: { symlinks?: boolean; gzipLayers?: boolean } = {},
): Promise<Buffer> {
  const id = hex(sha256(image.config));
  const entries: { name: string; body?: string | Buffer; link?: string }[] = [];
  const layers: string[] = [];
  image.tars.forEach((tar, i) => {
    const dir = `${String(i).repeat(64)}`;
    const body = options.gzipLayers ? gzipSync(tar) : tar;
    if (options.symlinks) {
      // podman: the layer lives at <diffID>.tar and <dir>/layer.tar links to it
      entries.push({ name: `${hex(sha256(tar))}.tar`, body });
      entries.push({ name: `${dir}/layer.tar`, link: `../${hex(sha256(tar))}.tar` });
    } else entries.push({ name: `${dir}/layer.tar`, body });
    entries.push({ name: `${dir}/VERSION`, body: "1.0" }, { name: `${dir}/json`, body: "{}" });
    layers.push(`${dir}/layer.tar`);
  });
  entries.push({ name: `${id}.json`, body: image.config });
  const repoTags = image.names.map((n) => n.replace(/^docker\.io\/(library\/)?/, ""));
  entries.push({
    name: "manifest.json",
    body: JSON.stringify([{ Config: `${id}.json`, RepoTags: repoTags, Layers: layers }]),
  });
  entries.push({ name: "repositories", body: "{}" });
  return tarEntries(entries);
}

const expected = (image: MemImage) => ({
  id: sha256(image.config),
  names: image.names,
  diffIds: image.tars.map((t) => sha256(t)),
});

test("reads docker's pre-25 format, with plain and symlinked layer files", async (t) => {
  const dir = tempDir(t);
  const image = await makeImage([{ a: "1" }, { b: "2" }], {
    names: ["docker.io/library/busybox:latest", "docker.io/me/app:1"],
  });
  for (const symlinks of [false, true]) {
    const file = path.join(dir, `legacy-${symlinks}.tar`);
    fs.writeFileSync(file, await legacyArchive(image, { symlinks }));
    assert.deepEqual(await summarize(openDockerArchiveSource(file)), [expected(image)]);
  }
});

test("reads gzip-compressed layer files and hashes them for their blob digest", async (t) => {
  const dir = tempDir(t);
  const image = await makeImage([{ a: "1" }, { b: "2" }], { names: ["docker.io/library/gz:latest"] });
  const file = path.join(dir, "gz-layers.tar");
  fs.writeFileSync(file, await legacyArchive(image, { gzipLayers: true }));
  const [img] = await openDockerArchiveSource(file).images();
  const layers = (await img?.layers()) ?? [];
  assert.deepEqual(
    layers.map((l) => [l.compression, l.descriptor.digest]),
    image.tars.map((t) => ["gzip", sha256(gzipSync(t))]),
  );
  // and they copy into an OCI layout as gzip blobs
  await copy(openDockerArchiveSource(file), createOciLayoutSink(path.join(dir, "layout")));
  assert.deepEqual(await summarize(openOciLayoutSource(path.join(dir, "layout"))), [expected(image)]);
});

test("gzip- and zstd-compressed archives, from a path and from a stream, spooled to a temp dir that close() removes", async (t) => {
  const dir = tempDir(t);
  const spool = path.join(dir, "spool");
  fs.mkdirSync(spool);
  const image = await makeImage([{ a: "1" }], { names: ["docker.io/library/x:1"] });
  const plain = path.join(dir, "plain.tar");
  await copy(memSource([image]), createDockerArchiveSink(plain));
  const tar = fs.readFileSync(plain);
  for (const [name, bytes] of [
    ["a.tar.gz", gzipSync(tar)],
    ["a.tar.zst", zstdCompressSync(tar)],
  ] as const) {
    fs.writeFileSync(path.join(dir, name), bytes);
    assert.deepEqual(await summarize(openDockerArchiveSource(path.join(dir, name), { tmpDir: spool })), [
      expected(image),
    ]);
    const chunks = [bytes.subarray(0, 100), bytes.subarray(100)];
    assert.deepEqual(await summarize(openDockerArchiveSource(Readable.from(chunks), { tmpDir: spool })), [
      expected(image),
    ]);
    assert.deepEqual(fs.readdirSync(spool), []);
  }
  assert.deepEqual(await summarize(openDockerArchiveSource(Readable.from([tar]), { tmpDir: spool })), [
    expected(image),
  ]);
  assert.deepEqual(fs.readdirSync(spool), []);
});

test("an archive with only an OCI index (no manifest.json) is read as an OCI layout", async (t) => {
  const dir = tempDir(t);
  const image = await makeImage([{ a: "1" }], { names: ["docker.io/library/oci:1"] });
  const entries = [];
  const layout = path.join(dir, "layout");
  await copy(memSource([image]), createOciLayoutSink(layout));
  for (const rel of fs.readdirSync(layout, { recursive: true }) as string[]) {
    const full = path.join(layout, rel);
    if (fs.statSync(full).isFile()) entries.push({ name: rel, body: fs.readFileSync(full) });
  }
  const file = path.join(dir, "oci.tar");
  fs.writeFileSync(file, await tarEntries(entries));
  assert.deepEqual(await summarize(openDockerArchiveSource(file)), [expected(image)]);
});

test("items naming the same config merge their tags", async (t) => {
  const dir = tempDir(t);
  const image = await makeImage([{ a: "1" }]);
  const id = hex(sha256(image.config));
  const layer = `${"a".repeat(64)}/layer.tar`;
  const manifest = [
    { Config: `${id}.json`, RepoTags: ["one:1"], Layers: [layer] },
    { Config: `${id}.json`, RepoTags: ["two:2", "one:1"], Layers: [layer] },
  ];
  const file = path.join(dir, "dup.tar");
  const tar = image.tars[0] as Buffer;
  fs.writeFileSync(
    file,
    await tarEntries([
      { name: layer, body: tar },
      { name: `${id}.json`, body: image.config },
      { name: "manifest.json", body: JSON.stringify(manifest) },
    ]),
  );
  const [got] = await summarize(openDockerArchiveSource(file));
  assert.deepEqual(got?.names, ["docker.io/library/one:1", "docker.io/library/two:2"]);
});

test("corrupt, truncated and incomplete archives are BAD_ARCHIVE", async (t) => {
  const dir = tempDir(t);
  const image = await makeImage([{ a: "x".repeat(3000) }, { b: "2" }], { names: ["docker.io/library/c:1"] });
  const good = path.join(dir, "good.tar");
  await copy(memSource([image]), createDockerArchiveSink(good));
  const bytes = fs.readFileSync(good);
  const id = hex(sha256(image.config));
  const layer0 = `blobs/sha256/${hex(sha256(image.tars[0] as Buffer))}`;
  const cases: [string, Buffer, ErrorCode][] = [
    ["empty", Buffer.alloc(0), "BAD_ARCHIVE"],
    ["not a tar", Buffer.from("hello, this is not a tar archive".repeat(40)), "BAD_ARCHIVE"],
    ["truncated in a layer", bytes.subarray(0, 2048), "BAD_ARCHIVE"],
    ["truncated after a header", bytes.subarray(0, 512 * 5), "BAD_ARCHIVE"],
    ["truncated gzip", gzipSync(bytes).subarray(0, gzipSync(bytes).length >> 1), "BAD_ARCHIVE"],
    ["gzip without its trailer", gzipSync(bytes).subarray(0, gzipSync(bytes).length - 4), "BAD_ARCHIVE"],
    [
      "bad header checksum",
      Buffer.concat([bytes.subarray(0, 1024), Buffer.from("garbage!"), bytes.subarray(1032)]),
      "BAD_ARCHIVE",
    ],
    ["no manifest.json", await tarEntries([{ name: "foo", body: "bar" }]), "BAD_ARCHIVE"],
    ["manifest.json not JSON", await tarEntries([{ name: "manifest.json", body: "[{" }]), "BAD_ARCHIVE"],
    ["manifest.json wrong shape", await tarEntries([{ name: "manifest.json", body: '{"Config":1}' }]), "BAD_ARCHIVE"],
    [
      "config missing",
      await tarEntries([{ name: "manifest.json", body: JSON.stringify([{ Config: "c.json", Layers: [] }]) }]),
      "BAD_ARCHIVE",
    ],
    [
      "layer missing",
      await tarEntries([
        { name: `blobs/sha256/${id}`, body: image.config },
        { name: "manifest.json", body: JSON.stringify([{ Config: `blobs/sha256/${id}`, Layers: [layer0, layer0] }]) },
      ]),
      "BAD_ARCHIVE",
    ],
    [
      "layer count differs from the config",
      await tarEntries([
        { name: `blobs/sha256/${id}`, body: image.config },
        { name: layer0, body: image.tars[0] as Buffer },
        { name: "manifest.json", body: JSON.stringify([{ Config: `blobs/sha256/${id}`, Layers: [layer0] }]) },
      ]),
      "BAD_ARCHIVE",
    ],
    [
      "config does not match its digest",
      await tarEntries([
        { name: `blobs/sha256/${id}`, body: Buffer.concat([image.config, Buffer.from(" ")]) },
        { name: "manifest.json", body: JSON.stringify([{ Config: `blobs/sha256/${id}`, Layers: [] }]) },
      ]),
      "DIGEST_INVALID",
    ],
    [
      "bad RepoTag",
      await tarEntries([
        { name: "manifest.json", body: JSON.stringify([{ Config: "c", RepoTags: ["UPPER:case"], Layers: [] }]) },
      ]),
      "BAD_ARCHIVE",
    ],
  ];
  for (const [name, content, code] of cases) {
    const file = path.join(dir, `${name}.tar`);
    fs.writeFileSync(file, content);
    await assert.rejects(summarize(openDockerArchiveSource(file)), (e) => isHoistError(e, code), name);
  }
  await assert.rejects(openDockerArchiveSource(path.join(dir, "missing.tar")).images(), (e) =>
    isHoistError(e, "NOT_FOUND"),
  );
});

test("a layer whose bytes do not match its diffID fails the copy", async (t) => {
  const dir = tempDir(t);
  const image = await makeImage([{ a: "1" }], { names: ["docker.io/library/c:1"] });
  const id = hex(sha256(image.config));
  const tar = Buffer.from(image.tars[0] as Buffer);
  tar[10] = 0x41;
  const layer = `blobs/sha256/${hex(sha256(image.tars[0] as Buffer))}`;
  const file = path.join(dir, "bad-layer.tar");
  fs.writeFileSync(
    file,
    await tarEntries([
      { name: `blobs/sha256/${id}`, body: image.config },
      { name: layer, body: tar },
      {
        name: "manifest.json",
        body: JSON.stringify([{ Config: `blobs/sha256/${id}`, RepoTags: ["c:1"], Layers: [layer] }]),
      },
    ]),
  );
  const out = path.join(dir, "out");
  await assert.rejects(copy(openDockerArchiveSource(file), createOciLayoutSink(out)), (e) =>
    isHoistError(e, "DIGEST_INVALID"),
  );
  assert.equal(fs.existsSync(out), false);
});
