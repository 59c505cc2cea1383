// 20 clients push images that share layers at the same time; then every manifest pulls and every blob verifies.
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { MAN, OCT, digestOf, http, random, startRegistry } from "./helpers.ts";
import type { TestRegistry } from "./helpers.ts";
import { corruptBlobs } from "./storage-check.ts";

let reg: TestRegistry;
before(async () => {
  reg = await startRegistry();
});
after(() => reg.close());

const base = random(1 << 20);
const mids = [random(256 << 10), random(256 << 10)];

/** Uploads a blob by one of the three ways clients do it. */
async function upload(name: string, data: Buffer, way: number): Promise<string> {
  const d = digestOf(data);
  if (way === 0) {
    const r = await http(reg.url, "POST", `/v2/${name}/blobs/uploads/?digest=${d}`, {
      headers: { "Content-Type": OCT },
      body: data,
    });
    assert.equal(r.status, 201);
    return d;
  }
  let loc = (await http(reg.url, "POST", `/v2/${name}/blobs/uploads/`)).headers.get("location") as string;
  if (way === 1) {
    const r = await http(reg.url, "PATCH", loc, { body: data });
    assert.equal(r.status, 202);
    loc = r.headers.get("location") as string;
  } else {
    const size = Math.ceil(data.length / 3);
    for (let s = 0; s < data.length; s += size) {
      const chunk = data.subarray(s, s + size);
      const r = await http(reg.url, "PATCH", loc, {
        headers: { "Content-Range": `${s}-${s + chunk.length - 1}` },
        body: chunk,
      });
      assert.equal(r.status, 202);
      loc = r.headers.get("location") as string;
    }
  }
  const put = await http(reg.url, "PUT", `${loc}?digest=${d}`);
  assert.equal(put.status, 201, put.text());
  return d;
}

async function client(i: number): Promise<{ name: string; tag: string; digest: string }> {
  const name = `load/client${i % 5}`;
  const layers = [base, mids[i % 2] as Buffer, random(32 << 10)];
  const digests = await Promise.all(layers.map((l, j) => upload(name, l, (i + j) % 3)));
  const config = Buffer.from(
    JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: digests }, client: i }),
  );
  const cd = await upload(name, config, i % 3);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MAN,
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: cd, size: config.length },
    layers: layers.map((l, j) => ({
      mediaType: "application/vnd.oci.image.layer.v1.tar",
      digest: digests[j],
      size: l.length,
    })),
  });
  const tag = `v${i}`;
  const r = await http(reg.url, "PUT", `/v2/${name}/manifests/${tag}`, {
    headers: { "Content-Type": MAN },
    body: manifest,
  });
  assert.equal(r.status, 201, r.text());
  return { name, tag, digest: digestOf(manifest) };
}

test("20 concurrent clients pushing images with shared layers", async () => {
  const pushed = await Promise.all(Array.from({ length: 20 }, (_, i) => client(i)));
  for (const p of pushed) {
    const m = await http(reg.url, "GET", `/v2/${p.name}/manifests/${p.tag}`);
    assert.equal(m.status, 200);
    assert.equal(digestOf(m.body), p.digest);
    const doc = m.json() as { config: { digest: string }; layers: { digest: string; size: number }[] };
    for (const d of [doc.config.digest, ...doc.layers.map((l) => l.digest)]) {
      const b = await http(reg.url, "GET", `/v2/${p.name}/blobs/${d}`);
      assert.equal(b.status, 200);
      assert.equal(digestOf(b.body), d);
    }
  }
  assert.deepEqual(await corruptBlobs(reg.root), []);
  const baseHex = digestOf(base).slice(7);
  const copies = (await readdir(join(reg.root, "blobs", "sha256", baseHex.slice(0, 2)))).filter((h) => h === baseHex);
  assert.equal(copies.length, 1, "a shared layer is stored once");
  assert.deepEqual(await readdir(join(reg.root, "uploads")), [], "every session was committed and cleaned up");
});
