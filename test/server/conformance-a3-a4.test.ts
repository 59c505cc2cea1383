// CHECKLIST.md A3 (Content Discovery) and A4 (Content Management), against a running server.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  annotationKey,
  artifact,
  configBlob,
  desc,
  dummyDigest,
  emptyJson,
  imageManifest,
  index,
  layerBlob,
} from "./conformance-data.ts";
import { IDX, MAN, digestOf, http, pushBlob, pushManifest, random, startRegistry } from "./helpers.ts";
import type { TestRegistry } from "./helpers.ts";

const name = "conformance/discovery";
let reg: TestRegistry;
const layer = layerBlob();
const config2 = configBlob();
const config3 = configBlob();
const config4 = configBlob();
const manifest2 = imageManifest(config2, layer);
const manifest3 = imageManifest(config3, layer);
const manifest4 = imageManifest(config4, layer);
const subject4 = desc(MAN, manifest4);
const subject3 = desc(MAN, manifest3);
const blobA = random(42);
const blobB = random(42);
const bagel = "application/vnd.nhl.peanut.butter.bagel";
const croissant = "application/vnd.nba.strawberry.jam.croissant";
const aConfigBlob = Buffer.from("NHL Peanut Butter on my NHL bagel");
const bConfigBlob = Buffer.from("NBA Strawberry Jam on my NBA croissant");
const aConfig = artifact({
  configType: bagel,
  config: aConfigBlob,
  layers: [emptyJson],
  subject: subject4,
  annotation: "test config a",
});
const aLayer = artifact({ artifactType: bagel, layers: [blobA], subject: subject4, annotation: "test layer a" });
const bConfig = artifact({
  configType: croissant,
  config: bConfigBlob,
  layers: [emptyJson],
  subject: subject4,
  annotation: "test config b",
});
const bLayer = artifact({ artifactType: croissant, layers: [blobB], subject: subject4, annotation: "test layer b" });
const cLayer = artifact({ artifactType: croissant, layers: [blobB], subject: subject3 });
const idx = index([desc(MAN, aConfig), desc(MAN, aLayer)], {
  artifactType: "application/vnd.food.stand",
  subject: subject4,
  annotation: "test index",
});
let tagCount = 0;

before(async () => {
  reg = await startRegistry();
});
after(() => reg.close());

async function putBy(m: Buffer, type = MAN, ref = digestOf(m)): Promise<Headers> {
  const r = await pushManifest(reg.url, name, ref, m, type);
  assert.equal(r.status, 201, r.text());
  return r.headers;
}

test("A3.1 setup: 8 tags, referrers with OCI-Subject (including a subject that does not exist yet)", async () => {
  await pushBlob(reg.url, name, config2);
  await pushBlob(reg.url, name, layer);
  for (const tag of ["test0", "test1", "test2", "test3", "TEST0", "TEST1", "TEST2", "TEST3"])
    await putBy(manifest2, MAN, tag);
  await pushBlob(reg.url, name, emptyJson);
  await pushBlob(reg.url, name, blobA);
  await pushBlob(reg.url, name, aConfigBlob);
  assert.equal((await putBy(aConfig)).get("oci-subject"), subject4.digest);
  assert.equal((await putBy(aLayer)).get("oci-subject"), subject4.digest);
  assert.equal((await putBy(idx, IDX)).get("oci-subject"), subject4.digest);
  await pushBlob(reg.url, name, config4);
  await putBy(manifest4, MAN, "tagtest0");
  await pushBlob(reg.url, name, blobB);
  await pushBlob(reg.url, name, bConfigBlob);
  assert.equal((await putBy(bConfig)).get("oci-subject"), subject4.digest);
  assert.equal((await putBy(bLayer)).get("oci-subject"), subject4.digest);
  assert.equal((await putBy(cLayer)).get("oci-subject"), subject3.digest);
});

test("A3.2-4 tag list sorted bytewise, n pagination with exactly n, last excluded", async () => {
  const all = (await http(reg.url, "GET", `/v2/${name}/tags/list`)).json() as { name: string; tags: string[] };
  assert.equal(all.name, name);
  assert.deepEqual(all.tags, [...all.tags].sort());
  assert.equal(all.tags.length, 9);
  const half = Math.floor(all.tags.length / 2);
  const page = await http(reg.url, "GET", `/v2/${name}/tags/list?n=${half}`);
  assert.equal(page.status, 200);
  const tags = (page.json() as { tags: string[] }).tags;
  assert.equal(tags.length, half);
  assert.match(page.headers.get("link") ?? "", /rel="next"/);
  const last = tags[half - 1] as string;
  const next = (await http(reg.url, "GET", `/v2/${name}/tags/list?n=${half}&last=${last}`)).json() as {
    tags: string[];
  };
  assert.ok(next.tags.length <= half);
  assert.ok(!next.tags.includes(last));
  assert.deepEqual(next.tags, all.tags.slice(half, half * 2));
});

test("A3.5 referrers of an unknown digest: 200, IDX, no manifests", async () => {
  const r = await http(reg.url, "GET", `/v2/${name}/referrers/${dummyDigest}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("content-type"), IDX);
  assert.deepEqual((r.json() as { manifests: unknown[] }).manifests, []);
});

test("A3.6 referrers of manifest[4]: exactly 5 with their annotations and artifactTypes", async () => {
  const r = await http(reg.url, "GET", `/v2/${name}/referrers/${subject4.digest}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("content-type"), IDX);
  const body = r.json() as {
    schemaVersion: number;
    mediaType: string;
    manifests: { digest: string; artifactType?: string; annotations?: Record<string, string> }[];
  };
  assert.equal(body.schemaVersion, 2);
  assert.equal(body.mediaType, IDX);
  assert.equal(body.manifests.length, 5);
  const byDigest = new Map(body.manifests.map((m) => [m.digest, m]));
  const expect: [Buffer, string, string][] = [
    [aConfig, bagel, "test config a"],
    [aLayer, bagel, "test layer a"],
    [idx, "application/vnd.food.stand", "test index"],
    [bConfig, croissant, "test config b"],
    [bLayer, croissant, "test layer b"],
  ];
  for (const [m, type, note] of expect) {
    const d = byDigest.get(digestOf(m));
    assert.ok(d, `referrer ${note} listed`);
    assert.equal(d.artifactType, type);
    assert.deepEqual(d.annotations, { [annotationKey]: note });
  }
});

test("A3.7 artifactType filter: OCI-Filters-Applied and exactly A-config and A-layer", async () => {
  const r = await http(reg.url, "GET", `/v2/${name}/referrers/${subject4.digest}?artifactType=${bagel}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("content-type"), IDX);
  assert.equal(r.headers.get("oci-filters-applied"), "artifactType");
  const ds = (r.json() as { manifests: { digest: string }[] }).manifests.map((m) => m.digest).sort();
  assert.deepEqual(ds, [digestOf(aConfig), digestOf(aLayer)].sort());
});

test("A3.8 referrers of manifest[3] (never pushed): exactly C-layer", async () => {
  const r = await http(reg.url, "GET", `/v2/${name}/referrers/${subject3.digest}`);
  assert.equal(r.status, 200);
  assert.deepEqual(
    (r.json() as { manifests: { digest: string }[] }).manifests.map((m) => m.digest),
    [digestOf(cLayer)],
  );
});

test("A3.9 teardown: delete every manifest, then the blobs; referrers disappear with their manifests", async () => {
  for (const m of [aConfig, aLayer, idx, bConfig, bLayer, cLayer, manifest4, manifest2])
    assert.equal((await http(reg.url, "DELETE", `/v2/${name}/manifests/${digestOf(m)}`)).status, 202);
  for (const b of [config2, config4, layer, blobA, blobB, emptyJson])
    assert.equal((await http(reg.url, "DELETE", `/v2/${name}/blobs/${digestOf(b)}`)).status, 202);
  const r = await http(reg.url, "GET", `/v2/${name}/referrers/${subject4.digest}`);
  assert.deepEqual((r.json() as { manifests: unknown[] }).manifests, []);
});

test("A4 setup: push config[3], the layer, manifest[3] as tagtest0", async () => {
  await pushBlob(reg.url, name, config3);
  await pushBlob(reg.url, name, layer);
  await putBy(manifest3, MAN, "tagtest0");
  const tags = await http(reg.url, "GET", `/v2/${name}/tags/list`);
  assert.equal(tags.status, 200);
  tagCount = (tags.json() as { tags: string[] }).tags.length;
});

test("A4.1-4 delete the tag (202), the manifest (202), GET 404, tag list has T-1 tags", async () => {
  assert.equal((await http(reg.url, "DELETE", `/v2/${name}/manifests/tagtest0`)).status, 202);
  assert.equal((await http(reg.url, "HEAD", `/v2/${name}/manifests/tagtest0`)).status, 404);
  assert.equal((await http(reg.url, "DELETE", `/v2/${name}/manifests/${digestOf(manifest3)}`)).status, 202);
  assert.equal((await http(reg.url, "GET", `/v2/${name}/manifests/${digestOf(manifest3)}`)).status, 404);
  const tags = await http(reg.url, "GET", `/v2/${name}/tags/list`);
  assert.equal(tags.status, 200);
  assert.equal((tags.json() as { tags: string[] }).tags.length, tagCount - 1);
});

test("A4.5-6 delete config[3] and the layer (202), then GET gives 404", async () => {
  for (const b of [config3, layer])
    assert.equal((await http(reg.url, "DELETE", `/v2/${name}/blobs/${digestOf(b)}`)).status, 202);
  assert.equal((await http(reg.url, "GET", `/v2/${name}/blobs/${digestOf(config3)}`)).status, 404);
  assert.equal((await http(reg.url, "DELETE", `/v2/${name}/blobs/${digestOf(config3)}`)).status, 404);
});
