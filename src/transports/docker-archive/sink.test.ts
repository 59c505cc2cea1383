import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { test } from "node:test";
import { copy } from "../../copy/index.ts";
import { isHoistError } from "../../errors.ts";
import { MediaType, sha256 } from "../../oci/index.ts";
import { readTar } from "../../streams/index.ts";
import { collect, makeImage, memSource, tempDir } from "../archive-common/test-helpers.ts";
import { createDockerArchiveSink } from "./index.ts";

const hex = (d: string) => d.slice(7);

async function entries(
  bytes: Buffer,
): Promise<Map<string, { body: Buffer; mtime: number; uid: number; type: string }>> {
  const out = new Map<string, { body: Buffer; mtime: number; uid: number; type: string }>();
  for await (const e of readTar(Readable.from([bytes]))) {
    out.set(e.header.name, {
      body: Buffer.from(await e.buffer()),
      mtime: e.header.mtime.sec,
      uid: e.header.uid,
      type: e.header.type,
    });
  }
  return out;
}

test("writes docker 25's layout: manifest.json, repositories, index.json, oci-layout and blobs", async (t) => {
  const dir = tempDir(t);
  const a = await makeImage([{ base: "b" }, { a: "a" }], {
    names: ["docker.io/library/busybox:latest", "myreg:5000/x:1"],
    seed: "a",
  });
  const b = await makeImage([{ base: "b" }], { seed: "b" });
  const file = path.join(dir, "out.tar");
  await copy(memSource([a, b]), createDockerArchiveSink(file));
  const got = await entries(fs.readFileSync(file));
  const names = [...got.keys()];
  const blob = (d: string) => `blobs/sha256/${hex(d)}`;
  const [base = "", la = ""] = a.tars.map((x) => sha256(x));
  assert.deepEqual(names.slice(0, 2), ["blobs/", "blobs/sha256/"]);
  assert.deepEqual(names.slice(-4), ["index.json", "manifest.json", "oci-layout", "repositories"]);
  for (const e of got.values()) assert.deepEqual([e.mtime, e.uid], [0, 0]);
  assert.equal(names.filter((n) => n === blob(base)).length, 1);

  const manifest = JSON.parse(got.get("manifest.json")?.body.toString() ?? "");
  assert.deepEqual(manifest, [
    { Config: blob(sha256(a.config)), RepoTags: ["busybox:latest", "myreg:5000/x:1"], Layers: [blob(base), blob(la)] },
    { Config: blob(sha256(b.config)), RepoTags: null, Layers: [blob(base)] },
  ]);
  assert.deepEqual(JSON.parse(got.get("repositories")?.body.toString() ?? ""), {
    busybox: { latest: hex(la) },
    "myreg:5000/x": { "1": hex(la) },
  });
  assert.deepEqual(JSON.parse(got.get("oci-layout")?.body.toString() ?? ""), { imageLayoutVersion: "1.0.0" });

  const index = JSON.parse(got.get("index.json")?.body.toString() ?? "");
  assert.deepEqual(
    index.manifests.map((m: { annotations?: unknown }) => m.annotations),
    [
      { "io.containerd.image.name": "docker.io/library/busybox:latest", "org.opencontainers.image.ref.name": "latest" },
      { "io.containerd.image.name": "myreg:5000/x:1", "org.opencontainers.image.ref.name": "1" },
      undefined,
    ],
  );
  // every manifest is an OCI manifest of plain-tar layers whose blobs are in the archive
  for (const d of index.manifests) {
    const m = got.get(blob(d.digest))?.body as Buffer;
    assert.equal(sha256(m), d.digest);
    const doc = JSON.parse(m.toString());
    assert.equal(doc.mediaType, MediaType.ociManifest);
    for (const l of doc.layers) {
      assert.equal(l.mediaType, MediaType.ociLayer);
      assert.equal(got.get(blob(l.digest))?.body.length, l.size);
    }
    assert.equal(sha256(got.get(blob(doc.config.digest))?.body as Buffer), doc.config.digest);
  }
});

test("streams to a Writable with the same bytes as to a file", async (t) => {
  const dir = tempDir(t);
  const images = [await makeImage([{ a: "1" }], { names: ["docker.io/library/a:1"], compression: "gzip" })];
  const file = path.join(dir, "out.tar");
  await copy(memSource(images, { hideSizes: true }), createDockerArchiveSink(file));
  const out = new PassThrough();
  const bytes = collect(out);
  await copy(memSource(images, { hideSizes: true }), createDockerArchiveSink(out));
  assert.deepEqual(await bytes, fs.readFileSync(file));
});

test("a layer that does not hash to its diffID is refused and the file is not created", async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, "out.tar");
  const image = await makeImage([{ a: "1" }]);
  const tar = image.tars[0] as Buffer;
  const wrong = Buffer.from(tar);
  wrong[0] = 0x42;
  for (const size of [tar.length, -1]) {
    const sink = createDockerArchiveSink(file);
    const layer = {
      descriptor: { mediaType: MediaType.ociLayer, digest: sha256(tar), size },
      diffId: sha256(tar),
      compression: "none" as const,
    };
    await assert.rejects(sink.putLayer(layer, Readable.from([wrong])), (e) => isHoistError(e, "DIGEST_INVALID"));
    await sink.abort();
    assert.deepEqual(fs.readdirSync(dir), []);
  }
});

test("a layer shorter than its declared size is refused", async (t) => {
  const dir = tempDir(t);
  const image = await makeImage([{ a: "1" }]);
  const tar = image.tars[0] as Buffer;
  const sink = createDockerArchiveSink(path.join(dir, "out.tar"));
  const layer = {
    descriptor: { mediaType: MediaType.ociLayer, digest: sha256(tar), size: tar.length + 512 },
    diffId: sha256(tar),
    compression: "none" as const,
  };
  await assert.rejects(sink.putLayer(layer, Readable.from([tar])), (e) => isHoistError(e, "SIZE_INVALID"));
  await sink.abort();
  assert.deepEqual(fs.readdirSync(dir), []);
});

test("an image whose layers were not put is refused", async (t) => {
  const dir = tempDir(t);
  const image = await makeImage([{ a: "1" }]);
  const sink = createDockerArchiveSink(path.join(dir, "out.tar"));
  const tar = image.tars[0] as Buffer;
  const layer = {
    descriptor: { mediaType: MediaType.ociLayer, digest: sha256(tar), size: tar.length },
    diffId: sha256(tar),
    compression: "none" as const,
  };
  await assert.rejects(sink.putImage({ config: image.config, layers: [layer], names: [] }), (e) =>
    isHoistError(e, "INTERNAL"),
  );
  await assert.rejects(sink.putImage({ config: image.config, layers: [], names: [] }), (e) =>
    isHoistError(e, "INVALID_ARGUMENT"),
  );
  await sink.abort();
  assert.deepEqual(fs.readdirSync(dir), []);
});
