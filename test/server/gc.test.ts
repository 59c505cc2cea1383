// Garbage collection: mark from manifests (or tags), sweep unreferenced blobs past a grace period, purge old
// upload sessions; a dry run changes nothing; safe while pushes go on.
import assert from "node:assert/strict";
import { utimes } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { FilesystemDriver, collectGarbage } from "../../src/server/index.ts";
import { IDX, digestOf, http, makeImage, pushBlob, pushManifest, random, startRegistry } from "./helpers.ts";
import type { TestRegistry } from "./helpers.ts";
import { corruptBlobs } from "./storage-check.ts";

let reg: TestRegistry;
before(async () => {
  reg = await startRegistry();
});
after(() => reg.close());

const old = new Date(Date.now() - 3 * 86400_000);

async function age(rel: string): Promise<void> {
  await utimes(join(reg.root, rel), old, old);
}

async function ageAllBlobs(): Promise<void> {
  const { readdir } = await import("node:fs/promises");
  for (const alg of await readdir(join(reg.root, "blobs")))
    for (const p of await readdir(join(reg.root, "blobs", alg)))
      for (const h of await readdir(join(reg.root, "blobs", alg, p))) await age(`blobs/${alg}/${p}/${h}/data`);
}

test("unreferenced blobs past the grace period go; referenced and fresh ones stay; dry run changes nothing", async () => {
  const driver = new FilesystemDriver(reg.root);
  const kept = await makeImage(reg.url, "gc/kept");
  assert.equal((await pushManifest(reg.url, "gc/kept", "latest", kept.manifest)).status, 201);
  const gone = await makeImage(reg.url, "gc/gone");
  assert.equal((await pushManifest(reg.url, "gc/gone", "latest", gone.manifest)).status, 201);
  assert.equal((await http(reg.url, "DELETE", `/v2/gc/gone/manifests/${gone.digest}`)).status, 202);
  const orphan = await pushBlob(reg.url, "gc/gone", random(100));
  await ageAllBlobs();
  const fresh = await pushBlob(reg.url, "gc/gone", random(100));

  const dry = await collectGarbage(driver, { dryRun: true, gracePeriodSeconds: 3600, uploadPurgeAgeSeconds: 86400 });
  const doomed = [gone.manifest && gone.digest, gone.config, ...gone.layers, orphan].sort();
  assert.deepEqual(dry.deletedBlobs.map((b) => b.digest).sort(), doomed);
  assert.equal((await http(reg.url, "HEAD", `/v2/gc/gone/blobs/${orphan}`)).status, 200, "dry run deletes nothing");

  const real = await collectGarbage(driver, { gracePeriodSeconds: 3600, uploadPurgeAgeSeconds: 86400 });
  assert.deepEqual(real.deletedBlobs.map((b) => b.digest).sort(), doomed);
  assert.ok(real.freedBytes > 0);
  assert.equal((await http(reg.url, "HEAD", `/v2/gc/gone/blobs/${orphan}`)).status, 404);
  assert.equal(
    (await http(reg.url, "HEAD", `/v2/gc/gone/blobs/${fresh}`)).status,
    200,
    "the grace period protects fresh uploads",
  );
  const m = await http(reg.url, "GET", `/v2/gc/kept/manifests/latest`);
  assert.equal(digestOf(m.body), kept.digest);
  for (const d of [kept.config, ...kept.layers])
    assert.equal((await http(reg.url, "HEAD", `/v2/gc/kept/blobs/${d}`)).status, 200);
  assert.deepEqual(await corruptBlobs(reg.root), []);
});

test("abandoned upload sessions older than the purge age are removed", async () => {
  const driver = new FilesystemDriver(reg.root);
  const oldLoc = (await http(reg.url, "POST", "/v2/gc/up/blobs/uploads/")).headers.get("location") as string;
  await http(reg.url, "PATCH", oldLoc, { body: random(10) });
  const newLoc = (await http(reg.url, "POST", "/v2/gc/up/blobs/uploads/")).headers.get("location") as string;
  const id = oldLoc.split("/").pop() as string;
  await age(`uploads/${id}/data`);
  const r = await collectGarbage(driver, { gracePeriodSeconds: 3600, uploadPurgeAgeSeconds: 86400 });
  assert.deepEqual(r.deletedUploads, [id]);
  assert.equal((await http(reg.url, "GET", oldLoc)).status, 404);
  assert.equal((await http(reg.url, "GET", newLoc)).status, 204);
});

test("deleteUntagged keeps what tags reach: index children and referrers of kept manifests", async () => {
  const driver = new FilesystemDriver(reg.root);
  const name = "gc/untagged";
  const child = await makeImage(reg.url, name);
  assert.equal((await pushManifest(reg.url, name, child.digest, child.manifest)).status, 201);
  const idx = JSON.stringify({
    schemaVersion: 2,
    mediaType: IDX,
    manifests: [
      { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: child.digest, size: child.manifest.length },
    ],
  });
  assert.equal((await pushManifest(reg.url, name, "v1", idx, IDX)).status, 201);
  const sig = await makeImage(reg.url, name);
  const sigDoc = { ...JSON.parse(sig.manifest), subject: { mediaType: IDX, digest: digestOf(idx), size: idx.length } };
  const sigBytes = JSON.stringify(sigDoc);
  assert.equal((await pushManifest(reg.url, name, digestOf(sigBytes), sigBytes)).status, 201);
  const loose = await makeImage(reg.url, name);
  assert.equal((await pushManifest(reg.url, name, loose.digest, loose.manifest)).status, 201);
  const { readdir } = await import("node:fs/promises");
  for (const h of await readdir(join(reg.root, "repositories", name, "_manifests", "revisions", "sha256")))
    await age(`repositories/${name}/_manifests/revisions/sha256/${h}`);
  await ageAllBlobs();
  const r = await collectGarbage(driver, {
    gracePeriodSeconds: 3600,
    uploadPurgeAgeSeconds: 86400,
    deleteUntagged: true,
  });
  assert.deepEqual(
    r.deletedManifests.map((m) => m.digest),
    [loose.digest],
  );
  assert.equal((await http(reg.url, "GET", `/v2/${name}/manifests/${loose.digest}`)).status, 404);
  for (const d of [child.digest, digestOf(idx), digestOf(sigBytes)])
    assert.equal((await http(reg.url, "GET", `/v2/${name}/manifests/${d}`)).status, 200);
  assert.ok(r.deletedBlobs.some((b) => b.digest === loose.layers[0]));
});

test("garbage collection while pushes go on: every push succeeds and every image verifies", async () => {
  const driver = new FilesystemDriver(reg.root);
  const pushes = Array.from({ length: 8 }, async (_, i) => {
    const img = await makeImage(reg.url, `gc/live${i}`, { layers: [random(50_000), random(50_000)] });
    await new Promise((r) => setTimeout(r, 10));
    const put = await pushManifest(reg.url, `gc/live${i}`, "latest", img.manifest);
    assert.equal(put.status, 201, put.text());
    return img;
  });
  const collections = (async () => {
    for (let i = 0; i < 5; i++) await collectGarbage(driver, { gracePeriodSeconds: 60, uploadPurgeAgeSeconds: 86400 });
  })();
  const images = await Promise.all(pushes);
  await collections;
  await collectGarbage(driver, { gracePeriodSeconds: 60, uploadPurgeAgeSeconds: 86400 });
  for (const [i, img] of images.entries()) {
    assert.equal(digestOf((await http(reg.url, "GET", `/v2/gc/live${i}/manifests/latest`)).body), img.digest);
    for (const d of [img.config, ...img.layers])
      assert.equal(digestOf((await http(reg.url, "GET", `/v2/gc/live${i}/blobs/${d}`)).body), d);
  }
});
