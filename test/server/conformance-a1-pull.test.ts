// CHECKLIST.md A1 (released suite, Pull workflow), against a running server.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { configBlob, dummyDigest, imageManifest, layerBlob } from "./conformance-data.ts";
import { MAN, OCT, digestOf, http, pushManifest, startRegistry } from "./helpers.ts";
import type { TestRegistry } from "./helpers.ts";

const name = "conformance/pull";
let reg: TestRegistry;
const config0 = configBlob();
const config1 = configBlob();
const layer = layerBlob();
const manifest0 = imageManifest(config0, layer);
const manifest1 = imageManifest(config1, layer);

before(async () => {
  reg = await startRegistry();
});
after(() => reg.close());

test("A1.1-3 setup: blobs by POST+PUT, manifest[0] by tag, manifest[1] by digest", async () => {
  for (const blob of [config0, config1, layer]) {
    const post = await http(reg.url, "POST", `/v2/${name}/blobs/uploads/`);
    const loc = post.headers.get("location");
    assert.ok(loc);
    const put = await http(reg.url, "PUT", `${loc}?digest=${digestOf(blob)}`, {
      headers: { "Content-Type": OCT, "Content-Length": String(blob.length) },
      body: blob,
    });
    assert.equal(put.status, 201);
  }
  assert.equal((await pushManifest(reg.url, name, "tagtest0", manifest0)).status, 201);
  assert.equal((await pushManifest(reg.url, name, digestOf(manifest1), manifest1)).status, 201);
});

test("A1.4-7 blob HEAD and GET: 404 for the dummy, 200 with the digest header for config[0]", async () => {
  assert.equal((await http(reg.url, "HEAD", `/v2/${name}/blobs/${dummyDigest}`)).status, 404);
  const head = await http(reg.url, "HEAD", `/v2/${name}/blobs/${digestOf(config0)}`);
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("docker-content-digest"), digestOf(config0));
  assert.equal(head.headers.get("content-length"), String(config0.length));
  assert.equal(head.body.length, 0);
  assert.equal((await http(reg.url, "GET", `/v2/${name}/blobs/${dummyDigest}`)).status, 404);
  const get = await http(reg.url, "GET", `/v2/${name}/blobs/${digestOf(config0)}`);
  assert.equal(get.status, 200);
  assert.deepEqual(get.body, config0);
});

test("A1.8 and A1.11: HEAD and GET of .INVALID_MANIFEST_NAME give 404", async () => {
  assert.equal((await http(reg.url, "HEAD", `/v2/${name}/manifests/.INVALID_MANIFEST_NAME`)).status, 404);
  const get = await http(reg.url, "GET", `/v2/${name}/manifests/.INVALID_MANIFEST_NAME`);
  assert.equal(get.status, 404);
});

test("A1.9-10 manifest HEAD by digest and by tag, with Docker-Content-Digest", async () => {
  for (const m of [manifest0, manifest1]) {
    const r = await http(reg.url, "HEAD", `/v2/${name}/manifests/${digestOf(m)}`, { headers: { Accept: MAN } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("docker-content-digest"), digestOf(m));
    assert.equal(r.headers.get("content-length"), String(m.length));
    assert.equal(r.headers.get("content-type"), MAN);
  }
  const r = await http(reg.url, "HEAD", `/v2/${name}/manifests/tagtest0`, { headers: { Accept: MAN } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("docker-content-digest"), digestOf(manifest0));
});

test("A1.12 manifest GET by digest and tag returns the exact bytes", async () => {
  for (const [ref, m] of [
    [digestOf(manifest0), manifest0],
    [digestOf(manifest1), manifest1],
    ["tagtest0", manifest0],
  ] as const) {
    const r = await http(reg.url, "GET", `/v2/${name}/manifests/${ref}`, { headers: { Accept: MAN } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, m);
    assert.equal(r.headers.get("content-type"), MAN);
  }
});

test("A1.13 GET manifests/sha256:totallywrong (with a body) gives 400 DIGEST_INVALID", async () => {
  const r = await http(reg.url, "GET", `/v2/${name}/manifests/sha256:totallywrong`, {
    headers: { "Content-Type": MAN },
  });
  assert.ok(r.status === 400 || r.status === 404);
  const body = r.json() as { errors: { code: string }[] };
  assert.ok(body.errors.length >= 1);
  assert.equal(body.errors[0]?.code, "DIGEST_INVALID");
});

test("A1.14 teardown: delete manifests (202) and blobs (202)", async () => {
  for (const m of [manifest0, manifest1])
    assert.equal((await http(reg.url, "DELETE", `/v2/${name}/manifests/${digestOf(m)}`)).status, 202);
  for (const b of [config0, config1, layer]) {
    const r = await http(reg.url, "DELETE", `/v2/${name}/blobs/${digestOf(b)}`);
    assert.equal(r.status, 202);
  }
});
