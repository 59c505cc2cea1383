import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { copy } from "../../copy/index.ts";
import { isHoistError } from "../../errors.ts";
import { MediaType, sha256, type Descriptor } from "../../oci/index.ts";
import { makeImage, memImage, memSource, summarize, tempDir, type MemImage } from "../archive-common/test-helpers.ts";
import { createOciLayoutSink, openOciLayoutSource } from "./index.ts";

/** A hand-made layout: blobs written as given, index.json from `manifests`. */
class Layout {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
    fs.mkdirSync(path.join(dir, "blobs", "sha256"), { recursive: true });
    fs.writeFileSync(path.join(dir, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
  }
  blob(bytes: Buffer | string, mediaType: string, extra: Partial<Descriptor> = {}): Descriptor {
    const b = Buffer.from(bytes);
    fs.writeFileSync(path.join(this.dir, "blobs", "sha256", sha256(b).slice(7)), b);
    return { mediaType, digest: sha256(b), size: b.length, ...extra };
  }
  async image(image: MemImage, extra: Partial<Descriptor> = {}): Promise<Descriptor> {
    const src = memImage(image);
    this.blob(image.config, MediaType.ociConfig);
    for (const l of await src.layers())
      this.blob(image.tars[(await src.layers()).indexOf(l)] as Buffer, MediaType.ociLayer);
    const m = await src.manifest();
    return this.blob(m?.bytes as Buffer, MediaType.ociManifest, extra);
  }
  index(manifests: Descriptor[], mediaType: string = MediaType.ociIndex): Descriptor {
    return this.blob(JSON.stringify({ schemaVersion: 2, mediaType, manifests }), MediaType.ociIndex);
  }
  top(manifests: Descriptor[]): void {
    fs.writeFileSync(path.join(this.dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests }));
  }
}

const id = (i: MemImage) => sha256(i.config);

test("a nested index gives the image for the wanted platform; attestations and other platforms are skipped", async (t) => {
  const layout = new Layout(tempDir(t));
  const amd = await makeImage([{ a: "amd" }], { architecture: "amd64" });
  const arm = await makeImage([{ a: "arm" }], { architecture: "arm64" });
  const noPlatform = await makeImage([{ a: "np" }], { architecture: "arm64", seed: "np" });
  const attestation = layout.blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: layout.blob("{}", "application/vnd.in-toto+json"),
      layers: [],
    }),
    MediaType.ociManifest,
    { platform: { os: "unknown", architecture: "unknown" } },
  );
  const inner = layout.index([
    await layout.image(arm, { platform: { os: "linux", architecture: "arm64", variant: "v8" } }),
    await layout.image(amd, { platform: { os: "linux", architecture: "amd64" } }),
    attestation,
  ]);
  const outer = layout.index([{ ...inner, mediaType: MediaType.ociIndex }]);
  layout.top([{ ...outer, annotations: { "org.opencontainers.image.ref.name": "docker.io/library/multi:1" } }]);
  const amdOnly = await summarize(
    openOciLayoutSource(layout.dir, { platform: { os: "linux", architecture: "amd64" } }),
  );
  assert.deepEqual(amdOnly, [
    { id: id(amd), names: ["docker.io/library/multi:1"], diffIds: [sha256(amd.tars[0] as Buffer)] },
  ]);
  const armOnly = await summarize(
    openOciLayoutSource(layout.dir, { platform: { os: "linux", architecture: "arm64" } }),
  );
  assert.deepEqual(
    armOnly.map((s) => s.id),
    [id(arm)],
  );
  await assert.rejects(
    openOciLayoutSource(layout.dir, { platform: { os: "linux", architecture: "s390x" } }).images(),
    (e) => isHoistError(e, "NOT_FOUND"),
  );
  // an index entry without a platform is judged by its config
  const plain = layout.index([await layout.image(noPlatform)]);
  layout.top([plain]);
  assert.deepEqual(
    (await summarize(openOciLayoutSource(layout.dir, { platform: { os: "linux", architecture: "arm64" } }))).map(
      (s) => s.id,
    ),
    [id(noPlatform)],
  );
});

test("names: a full reference or containerd's annotation names an image; a bare tag does not", async (t) => {
  const layout = new Layout(tempDir(t));
  const img = await makeImage([{ a: "1" }]);
  const m = await layout.image(img);
  const ann = (a: Record<string, string>) => ({ ...m, annotations: a });
  layout.top([
    ann({ "org.opencontainers.image.ref.name": "latest" }),
    ann({ "org.opencontainers.image.ref.name": "localhost/bb:1" }),
    ann({ "org.opencontainers.image.ref.name": "busybox:musl" }),
    ann({ "io.containerd.image.name": "docker.io/library/busybox:1.36", "org.opencontainers.image.ref.name": "1.36" }),
    ann({ "org.opencontainers.image.ref.name": "quay.io/x/y" }),
    m,
  ]);
  const [got, ...rest] = await summarize(openOciLayoutSource(layout.dir));
  assert.equal(rest.length, 0);
  assert.deepEqual(got?.names, [
    "localhost/bb:1",
    "docker.io/library/busybox:musl",
    "docker.io/library/busybox:1.36",
    "quay.io/x/y:latest",
  ]);
});

test("the source's OCI manifest is kept byte for byte; a docker manifest becomes an OCI one", async (t) => {
  const dir = tempDir(t);
  const img = await makeImage([{ a: "1" }], { names: ["docker.io/library/k:1"], compression: "gzip" });
  await copy(memSource([img]), createOciLayoutSink(path.join(dir, "a")));
  const want = (await memImage(img).manifest())?.digest;
  const index = JSON.parse(fs.readFileSync(path.join(dir, "a", "index.json"), "utf8"));
  assert.equal(index.manifests[0].digest, want);
  // docker schema2 in, OCI out
  const src = memImage(img);
  const m = JSON.parse(((await src.manifest())?.bytes as Buffer).toString());
  m.mediaType = MediaType.dockerManifest;
  m.config.mediaType = MediaType.dockerConfig;
  for (const l of m.layers) l.mediaType = MediaType.dockerLayerGzip;
  const bytes = Buffer.from(JSON.stringify(m));
  const sink = createOciLayoutSink(path.join(dir, "b"));
  const layers = await src.layers();
  for (const l of layers) await sink.putLayer(l, await src.openLayer(l));
  await sink.putImage({
    config: img.config,
    layers,
    names: [],
    manifest: { bytes, mediaType: MediaType.dockerManifest, digest: sha256(bytes) },
  });
  await sink.commit();
  const idx = JSON.parse(fs.readFileSync(path.join(dir, "b", "index.json"), "utf8"));
  const doc = JSON.parse(
    fs.readFileSync(path.join(dir, "b", "blobs", "sha256", idx.manifests[0].digest.slice(7)), "utf8"),
  );
  assert.equal(doc.mediaType, MediaType.ociManifest);
  assert.deepEqual(
    doc.layers.map((l: Descriptor) => l.mediaType),
    [MediaType.ociLayerGzip],
  );
});

test("writing into an existing layout adds to it; an entry whose name is taken is replaced", async (t) => {
  const dir = path.join(tempDir(t), "layout");
  const one = await makeImage([{ a: "1" }], { names: ["docker.io/library/app:1"], seed: "1" });
  const two = await makeImage([{ a: "2" }], { names: ["docker.io/library/app:2"], seed: "2" });
  const newOne = await makeImage([{ a: "1" }, { b: "new" }], { names: ["docker.io/library/app:1"], seed: "3" });
  await copy(memSource([one]), createOciLayoutSink(dir));
  await copy(memSource([two]), createOciLayoutSink(dir));
  await copy(memSource([newOne]), createOciLayoutSink(dir));
  const got = await summarize(openOciLayoutSource(dir));
  assert.deepEqual(
    got.map((s) => [s.id, s.names]),
    [
      [id(two), ["docker.io/library/app:2"]],
      [id(newOne), ["docker.io/library/app:1"]],
    ],
  );
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ["layout"]); // no staging directories left
});

test("an empty directory is used; a non-layout directory is refused; nothing is written before commit", async (t) => {
  const root = tempDir(t);
  const img = await makeImage([{ a: "1" }], { names: ["docker.io/library/e:1"] });
  fs.mkdirSync(path.join(root, "empty"));
  await copy(memSource([img]), createOciLayoutSink(path.join(root, "empty")));
  assert.equal((await summarize(openOciLayoutSource(path.join(root, "empty"))))[0]?.id, id(img));
  fs.mkdirSync(path.join(root, "other"));
  fs.writeFileSync(path.join(root, "other", "file"), "x");
  await assert.rejects(copy(memSource([img]), createOciLayoutSink(path.join(root, "other"))), (e) =>
    isHoistError(e, "CONFLICT"),
  );
  const sink = createOciLayoutSink(path.join(root, "pending"));
  const src = memImage(img);
  for (const l of await src.layers()) await sink.putLayer(l, await src.openLayer(l));
  assert.equal(fs.existsSync(path.join(root, "pending")), false);
  await sink.abort();
  assert.deepEqual(fs.readdirSync(root).sort(), ["empty", "other"]);
});

test("a layout without oci-layout or index.json, or with a corrupt blob, is refused", async (t) => {
  const root = tempDir(t);
  const img = await makeImage([{ a: "1" }], { names: ["docker.io/library/e:1"] });
  const dir = path.join(root, "l");
  await copy(memSource([img]), createOciLayoutSink(dir));
  fs.writeFileSync(path.join(dir, "blobs", "sha256", id(img).slice(7)), "{}");
  await assert.rejects(
    summarize(openOciLayoutSource(dir)),
    (e) => isHoistError(e, "SIZE_INVALID") || isHoistError(e, "DIGEST_INVALID"),
  );
  fs.rmSync(path.join(dir, "oci-layout"));
  await assert.rejects(openOciLayoutSource(dir).images(), (e) => isHoistError(e, "BAD_ARCHIVE"));
  await assert.rejects(openOciLayoutSource(path.join(root, "nothing")).images(), (e) => isHoistError(e, "BAD_ARCHIVE"));
});
