// CHECKLIST.md A2 (released suite, Push workflow), against a running server.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { configBlob, dummyDigest, imageManifest, layerBlob } from "./conformance-data.ts";
import { MAN, OCT, digestOf, http, pushManifest, random, startRegistry } from "./helpers.ts";
import type { TestRegistry } from "./helpers.ts";

const name = "conformance/push";
const cross = "conformance-cross/repo";
let reg: TestRegistry;
const blobA = random(42);
const blobB = random(42);
const config1 = configBlob();
const layer = layerBlob();
const manifest1 = imageManifest(config1, layer);
const emptyLayerManifest = imageManifest(config1, layer, { noMediaType: true, noLayers: true });

before(async () => {
  reg = await startRegistry();
});
after(() => reg.close());

test("A2.1-2 streamed upload: POST, PATCH without Content-Range (202), PUT ?digest= with no body (201)", async () => {
  const post = await http(reg.url, "POST", `/v2/${name}/blobs/uploads/`);
  const loc = post.headers.get("location");
  assert.ok(loc);
  const patch = await http(reg.url, "PATCH", loc, { headers: { "Content-Type": OCT }, body: blobA });
  assert.equal(patch.status, 202);
  const loc2 = patch.headers.get("location");
  assert.ok(loc2);
  const put = await http(reg.url, "PUT", `${loc2}?digest=${digestOf(blobA)}`);
  assert.equal(put.status, 201);
  assert.ok(put.headers.get("location"));
});

test("A2.3-5 monolithic POST ?digest= gives 201 and the blob is there", async () => {
  assert.equal((await http(reg.url, "GET", `/v2/${name}/blobs/${dummyDigest}`)).status, 404);
  const post = await http(reg.url, "POST", `/v2/${name}/blobs/uploads/?digest=${digestOf(config1)}`, {
    headers: { "Content-Type": OCT, "Content-Length": String(config1.length) },
    body: config1,
  });
  assert.equal(post.status, 201);
  assert.ok(post.headers.get("location"));
  assert.equal((await http(reg.url, "GET", `/v2/${name}/blobs/${digestOf(config1)}`)).status, 200);
});

test("A2.6-9 POST then PUT ?digest= with the body, for config[1] and the layer", async () => {
  for (const blob of [config1, layer]) {
    const post = await http(reg.url, "POST", `/v2/${name}/blobs/uploads/`);
    assert.equal(post.status, 202);
    const put = await http(reg.url, "PUT", `${post.headers.get("location")}?digest=${digestOf(blob)}`, {
      headers: { "Content-Type": OCT },
      body: blob,
    });
    assert.equal(put.status, 201);
    assert.ok(put.headers.get("location"));
    assert.equal((await http(reg.url, "GET", `/v2/${name}/blobs/${digestOf(blob)}`)).status, 200);
  }
});

test("A2.10-15 chunked upload: out-of-order chunks get 416, the session survives, Range is reported", async () => {
  const chunk1 = blobB.subarray(0, 22);
  const chunk2 = blobB.subarray(22);
  const first = await http(reg.url, "POST", `/v2/${name}/blobs/uploads/`, { headers: { "Content-Length": "0" } });
  const bad = await http(reg.url, "PATCH", first.headers.get("location") as string, {
    headers: { "Content-Type": OCT, "Content-Range": "22-41" },
    body: chunk2,
  });
  assert.equal(bad.status, 416);

  const post = await http(reg.url, "POST", `/v2/${name}/blobs/uploads/`, { headers: { "Content-Length": "0" } });
  const L = post.headers.get("location") as string;
  const p1 = await http(reg.url, "PATCH", L, {
    headers: { "Content-Type": OCT, "Content-Range": "0-21" },
    body: chunk1,
  });
  assert.equal(p1.status, 202);
  assert.equal(p1.headers.get("range"), "0-21");
  const again = await http(reg.url, "PATCH", L, {
    headers: { "Content-Type": OCT, "Content-Range": "0-21" },
    body: chunk1,
  });
  assert.equal(again.status, 416);

  const status = await http(reg.url, "GET", L);
  assert.equal(status.status, 204);
  assert.ok(status.headers.get("location"));
  assert.equal(status.headers.get("range"), "0-21");

  const p2 = await http(reg.url, "PATCH", status.headers.get("location") as string, {
    headers: { "Content-Type": OCT, "Content-Range": "22-41" },
    body: chunk2,
  });
  assert.equal(p2.status, 202);
  assert.equal(p2.headers.get("range"), "0-41");
  assert.ok(p2.headers.get("location"));
  const put = await http(reg.url, "PUT", `${p2.headers.get("location")}?digest=${digestOf(blobB)}`, {
    headers: { "Content-Length": "0" },
  });
  assert.equal(put.status, 201);
  assert.ok(put.headers.get("location"));
  const get = await http(reg.url, "GET", `/v2/${name}/blobs/${digestOf(blobB)}`);
  assert.deepEqual(get.body, blobB);
});

test("A2.16 mount of an unknown blob without from gives 202 and an upload session", async () => {
  const r = await http(reg.url, "POST", `/v2/${cross}/blobs/uploads/?mount=${dummyDigest}`);
  assert.equal(r.status, 202);
  assert.ok(r.headers.get("location")?.startsWith(`/v2/${cross}/blobs/uploads/`));
});

test("A2.17 mount with from gives 201 and Location exactly /v2/<cross>/blobs/<digest>", async () => {
  const d = digestOf(blobA);
  const r = await http(reg.url, "POST", `/v2/${cross}/blobs/uploads/?mount=${d}&from=${name}`);
  assert.equal(r.status, 201);
  assert.equal(r.headers.get("location"), `/v2/${cross}/blobs/${d}`);
  const get = await http(reg.url, "GET", r.headers.get("location") as string);
  assert.equal(get.status, 200);
  assert.deepEqual(get.body, blobA);
});

test("A2.18 automatic cross-mount: a mount without from gives 201 when the caller can read every repository", async () => {
  const other = "conformance-cross/auto";
  const r = await http(reg.url, "POST", `/v2/${other}/blobs/uploads/?mount=${digestOf(blobA)}`);
  assert.equal(r.status, 201);
  assert.equal((await http(reg.url, "HEAD", `/v2/${other}/blobs/${digestOf(blobA)}`)).status, 200);
});

test("A2.19 GET of .INVALID_MANIFEST_NAME gives 404", async () => {
  assert.equal((await http(reg.url, "GET", `/v2/${name}/manifests/.INVALID_MANIFEST_NAME`)).status, 404);
});

test("A2.20-22 manifests: PUT under test0..test3, the empty-layer manifest (no mediaType), GET by digest", async () => {
  for (const tag of ["test0", "test1", "test2", "test3"]) {
    const r = await pushManifest(reg.url, name, tag, manifest1);
    assert.equal(r.status, 201);
    assert.ok(r.headers.get("location"));
  }
  const empty = await pushManifest(reg.url, name, "emptylayer", emptyLayerManifest);
  assert.equal(empty.status, 201);
  assert.ok(empty.headers.get("location"));
  const got = await http(reg.url, "GET", `/v2/${name}/manifests/emptylayer`);
  assert.equal(
    got.headers.get("content-type"),
    MAN,
    "a manifest without mediaType is served with the pushed Content-Type",
  );
  assert.deepEqual(got.body, emptyLayerManifest);
  const r = await http(reg.url, "GET", `/v2/${name}/manifests/${digestOf(manifest1)}`, { headers: { Accept: MAN } });
  assert.equal(r.status, 200);
});

test("A2.23 teardown: delete manifests and blobs", async () => {
  for (const m of [manifest1, emptyLayerManifest])
    assert.equal((await http(reg.url, "DELETE", `/v2/${name}/manifests/${digestOf(m)}`)).status, 202);
  for (const b of [config1, layer])
    assert.equal((await http(reg.url, "DELETE", `/v2/${name}/blobs/${digestOf(b)}`)).status, 202);
  const tags = (await http(reg.url, "GET", `/v2/${name}/tags/list`)).json() as { tags: string[] };
  assert.deepEqual(tags.tags, [], "deleting a manifest removes its tags");
});
