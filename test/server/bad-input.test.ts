// Bad input: invalid names, tags and digests are refused before storage is touched; limits; content types.
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { after, before, test } from "node:test";
import {
  IDX,
  MAN,
  OCT,
  digestOf,
  http,
  makeImage,
  pushBlob,
  pushManifest,
  random,
  rawRequest,
  startRegistry,
} from "./helpers.ts";
import type { TestRegistry } from "./helpers.ts";

let reg: TestRegistry;
before(async () => {
  reg = await startRegistry({ limits: { maxManifestSize: "64KiB", maxBlobSize: "64KiB", maxPageSize: 5 } });
});
after(() => reg.close());

function code(body: Buffer): string | undefined {
  return (JSON.parse(body.toString()) as { errors: { code: string }[] }).errors[0]?.code;
}

async function storageEntries(): Promise<string[]> {
  return (await readdir(reg.root, { recursive: true })).filter((p) => !p.startsWith("_tmp")).sort();
}

test("invalid repository names give 400 NAME_INVALID and touch nothing", async () => {
  const names = [
    "Upper/case",
    "a/../b",
    "..",
    "a//b",
    "-lead",
    "trail-",
    "a_",
    `${"a".repeat(256)}`,
    "a/./b",
    "a%2fb",
    "a b",
  ];
  for (const n of names) {
    for (const [method, suffix] of [
      ["GET", "tags/list"],
      ["POST", "blobs/uploads/"],
      ["PUT", "manifests/latest"],
      ["GET", `blobs/${digestOf("x")}`],
    ] as const) {
      const r = await rawRequest(reg.url, method, `/v2/${n.replace(" ", "%20")}/${suffix}`);
      assert.equal(r.status, 400, `${method} ${n}`);
      assert.equal(code(r.body), "NAME_INVALID", `${method} ${n}`);
    }
  }
  assert.deepEqual(await storageEntries(), []);
});

test("valid names with separators and many components are accepted", async () => {
  for (const n of ["a", "a.b", "a_b", "a__b", "a---b", "a/b/c/d", "0/1", `${"a".repeat(255)}`]) {
    const r = await http(reg.url, "GET", `/v2/${n}/tags/list`);
    assert.equal(r.status, 404, n);
    assert.equal(code(r.body), "NAME_UNKNOWN", n);
  }
});

test("invalid tags give TAG_INVALID: 400 on PUT and DELETE, 404 on GET and HEAD (no manifest can have them)", async () => {
  const img = await makeImage(reg.url, "tags/check");
  for (const t of ["-dash", ".dot", "x".repeat(129), "a+b", "a:b:c".replace(/:/g, "!")]) {
    const put = await pushManifest(reg.url, "tags/check", encodeURIComponent(t), img.manifest);
    assert.equal(put.status, 400, t);
    assert.equal(code(put.body), "TAG_INVALID", t);
    const del = await http(reg.url, "DELETE", `/v2/tags/check/manifests/${encodeURIComponent(t)}`);
    assert.equal(del.status, 400, t);
    const get = await http(reg.url, "GET", `/v2/tags/check/manifests/${encodeURIComponent(t)}`);
    assert.equal(get.status, 404, t);
    assert.equal(code(get.body), "TAG_INVALID");
  }
  assert.equal((await pushManifest(reg.url, "tags/check", "x".repeat(128), img.manifest)).status, 201);
  assert.equal((await pushManifest(reg.url, "tags/check", "_Under.score-1", img.manifest)).status, 201);
});

test("invalid digests give 400 DIGEST_INVALID: uppercase, wrong length, unknown algorithm, traversal", async () => {
  const hex = digestOf("x").slice(7);
  const bad = [
    `sha256:${hex.toUpperCase()}`,
    `sha256:${hex}00`,
    `sha256:${hex.slice(2)}`,
    `md5:${hex.slice(0, 32)}`,
    `sha384:${hex}`,
    "sha256:..",
    "sha256",
    `SHA256:${hex}`,
  ];
  for (const d of bad) {
    for (const [method, path] of [
      ["GET", `/v2/digests/check/blobs/${d}`],
      ["DELETE", `/v2/digests/check/blobs/${d}`],
      ["POST", `/v2/digests/check/blobs/uploads/?digest=${d}`],
      ["POST", `/v2/digests/check/blobs/uploads/?mount=${d}`],
      ["GET", `/v2/digests/check/referrers/${d}`],
      ["GET", `/v2/digests/check/manifests/${d}`],
    ] as const) {
      if (method === "GET" && path.includes("manifests") && !d.includes(":")) continue;
      const r = await rawRequest(reg.url, method, path);
      assert.equal(r.status, 400, `${method} ${path}`);
      assert.equal(code(r.body), "DIGEST_INVALID", `${method} ${path}`);
    }
  }
  const loc = (await http(reg.url, "POST", "/v2/digests/check/blobs/uploads/")).headers.get("location") as string;
  const r = await http(reg.url, "PUT", `${loc}?digest=sha256:nothex`, { body: "abc" });
  assert.equal(r.status, 400);
  assert.equal(code(r.body), "DIGEST_INVALID");
  const missing = await http(reg.url, "PUT", loc, { body: "abc" });
  assert.equal(code(missing.body), "DIGEST_INVALID", "closing PUT without ?digest=");
  const abc = digestOf("abc").slice(7);
  assert.ok(!(await storageEntries()).some((p) => p.includes(abc)), "no blob stored");
  assert.equal((await http(reg.url, "GET", loc)).status, 204, "the session is kept");
});

test("a manifest larger than the limit gives 413, whether declared or streamed", async () => {
  const big = JSON.stringify({ schemaVersion: 2, mediaType: MAN, annotations: { a: "x".repeat(70_000) } });
  const r = await pushManifest(reg.url, "limits/m", "big", big);
  assert.equal(r.status, 413);
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < 10; i++) yield Buffer.alloc(10_000, 0x20);
  }
  const s = await rawRequest(reg.url, "PUT", "/v2/limits/m/manifests/big", {
    headers: { "Content-Type": MAN, "Transfer-Encoding": "chunked" },
    body: chunks(),
  });
  assert.equal(s.status, 413);
});

test("a blob larger than the limit gives 413: monolithic, PATCH by Content-Length, chunked stream; the session survives", async () => {
  const data = random(70_000);
  const mono = await http(reg.url, "POST", `/v2/limits/b/blobs/uploads/?digest=${digestOf(data)}`, {
    headers: { "Content-Type": OCT },
    body: data,
  });
  assert.equal(mono.status, 413);
  const loc = (await http(reg.url, "POST", "/v2/limits/b/blobs/uploads/")).headers.get("location") as string;
  assert.equal((await http(reg.url, "PATCH", loc, { body: data })).status, 413);
  const ok = await http(reg.url, "PATCH", loc, { body: data.subarray(0, 1000) });
  assert.equal(ok.status, 202);
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < 8; i++) yield random(10_000);
  }
  const s = await rawRequest(reg.url, "PATCH", loc, { headers: { "Transfer-Encoding": "chunked" }, body: chunks() });
  assert.equal(s.status, 413);
  const st = await http(reg.url, "GET", loc);
  assert.equal(st.headers.get("range"), "0-999", "the oversized chunk was rolled back");
});

test("n on tags and catalog is clamped: huge n gives the maximum page with a Link, negative gives nothing", async () => {
  const img = await makeImage(reg.url, "paging/repo");
  for (let i = 0; i < 8; i++)
    assert.equal((await pushManifest(reg.url, "paging/repo", `t${i}`, img.manifest)).status, 201);
  const big = await http(reg.url, "GET", "/v2/paging/repo/tags/list?n=100000");
  assert.equal((big.json() as { tags: string[] }).tags.length, 5);
  assert.equal(big.headers.get("link"), '</v2/paging/repo/tags/list?n=5&last=t4>; rel="next"');
  const none = await http(reg.url, "GET", "/v2/paging/repo/tags/list?n=-3");
  assert.deepEqual((none.json() as { tags: string[] }).tags, []);
  assert.equal(none.headers.get("link"), null);
  const zero = await http(reg.url, "GET", "/v2/paging/repo/tags/list?n=0");
  assert.deepEqual((zero.json() as { tags: string[] }).tags, []);
  const nan = await http(reg.url, "GET", "/v2/paging/repo/tags/list?n=abc");
  assert.equal((nan.json() as { tags: string[] }).tags.length, 5);
  const next = await http(reg.url, "GET", "/v2/paging/repo/tags/list?n=5&last=t4");
  assert.deepEqual((next.json() as { tags: string[] }).tags, ["t5", "t6", "t7"]);
  assert.equal(next.headers.get("link"), null);
  for (let i = 0; i < 6; i++)
    await makeImage(reg.url, `paging/r${i}`).then((m) => pushManifest(reg.url, `paging/r${i}`, "x", m.manifest));
  const cat = await http(reg.url, "GET", "/v2/_catalog?n=99999");
  assert.equal((cat.json() as { repositories: string[] }).repositories.length, 5);
  assert.match(cat.headers.get("link") ?? "", /^<\/v2\/_catalog\?n=5&last=.+>; rel="next"$/);
});

test("manifest checks: Content-Type must agree with mediaType, JSON and schema must be valid", async () => {
  const img = await makeImage(reg.url, "check/m");
  const mismatch = await pushManifest(reg.url, "check/m", "a", img.manifest, IDX);
  assert.equal(mismatch.status, 400);
  assert.equal(code(mismatch.body), "MANIFEST_INVALID");
  for (const body of [
    "not json",
    "[]",
    JSON.stringify({ schemaVersion: 1, name: "x", fsLayers: [] }),
    JSON.stringify({ schemaVersion: 2, mediaType: MAN, config: { digest: "sha256:xyz" }, layers: [] }),
    JSON.stringify({ schemaVersion: 2, mediaType: "text/plain" }),
  ]) {
    const r = await pushManifest(reg.url, "check/m", "a", body, "application/json");
    assert.equal(r.status, 400, body);
    assert.equal(code(r.body), "MANIFEST_INVALID", body);
  }
  const json = await pushManifest(reg.url, "check/m", "a", img.manifest, "application/json");
  assert.equal(json.status, 201, "a generic Content-Type defers to the mediaType field");
});

test("Docker schema2 manifests and manifest lists are accepted and served with their content types", async () => {
  const name = "docker/compat";
  const layer = random(100);
  const ld = await pushBlob(reg.url, name, layer);
  const cfg = JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } });
  const cd = await pushBlob(reg.url, name, cfg);
  const m = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    config: { mediaType: "application/vnd.docker.container.image.v1+json", size: cfg.length, digest: cd },
    layers: [{ mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", size: 100, digest: ld }],
  });
  const put = await pushManifest(reg.url, name, "v1", m, "application/vnd.docker.distribution.manifest.v2+json");
  assert.equal(put.status, 201);
  const list = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.list.v2+json",
    manifests: [
      {
        mediaType: "application/vnd.docker.distribution.manifest.v2+json",
        size: m.length,
        digest: digestOf(m),
        platform: { architecture: "amd64", os: "linux" },
      },
    ],
  });
  assert.equal(
    (await pushManifest(reg.url, name, "list", list, "application/vnd.docker.distribution.manifest.list.v2+json"))
      .status,
    201,
  );
  const g1 = await http(reg.url, "GET", `/v2/${name}/manifests/v1`);
  assert.equal(g1.headers.get("content-type"), "application/vnd.docker.distribution.manifest.v2+json");
  assert.equal(g1.headers.get("docker-distribution-api-version"), "registry/2.0");
  const g2 = await http(reg.url, "GET", `/v2/${name}/manifests/list`);
  assert.equal(g2.headers.get("content-type"), "application/vnd.docker.distribution.manifest.list.v2+json");
  assert.equal(g2.headers.get("docker-content-digest"), digestOf(list));
});

test("methods, unknown endpoints and uploads of another repository", async () => {
  const r = await http(reg.url, "POST", "/v2/a/b/manifests/latest");
  assert.equal(r.status, 405);
  assert.match(r.headers.get("allow") ?? "", /PUT/);
  assert.equal((await http(reg.url, "GET", "/v3/")).status, 404);
  const loc = (await http(reg.url, "POST", "/v2/owner/repo/blobs/uploads/")).headers.get("location") as string;
  const stolen = await http(reg.url, "GET", loc.replace("owner/repo", "other/repo"));
  assert.equal(stolen.status, 404);
  assert.equal(code(stolen.body), "BLOB_UPLOAD_UNKNOWN");
  assert.equal((await http(reg.url, "GET", "/v2/owner/repo/blobs/uploads/not-a-uuid")).status, 404);
  assert.equal((await http(reg.url, "POST", "/v2/owner/repo/blobs/uploads/?digest-algorithm=md5")).status, 400);
});

test("deletes can be disabled: 405 UNSUPPORTED", async () => {
  const ro = await (await import("./helpers.ts")).startRegistry({ delete: false });
  try {
    const d = await pushBlob(ro.url, "a/b", "data");
    const r = await http(ro.url, "DELETE", `/v2/a/b/blobs/${d}`);
    assert.equal(r.status, 405);
    assert.equal(code(r.body), "UNSUPPORTED");
  } finally {
    await ro.close();
  }
});

test("a body where none is expected is bounded: a large one is not read, the connection closes", async () => {
  async function* endless(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < 10_000; i++) {
      yield Buffer.alloc(64 << 10);
      await new Promise((r) => setImmediate(r));
    }
  }
  const started = Date.now();
  const r = await rawRequest(reg.url, "GET", "/v2/", {
    headers: { "Transfer-Encoding": "chunked" },
    body: endless(),
  }).catch(() => ({ status: 0, headers: {} as Record<string, string | undefined> }));
  assert.ok(r.status === 200 || r.status === 0);
  if (r.status === 200) assert.equal(r.headers.connection, "close");
  assert.ok(Date.now() - started < 10_000, "the server did not read 640 MB");
  const small = await rawRequest(reg.url, "GET", "/v2/", { body: Buffer.alloc(100, 0x78) });
  assert.equal(small.status, 200);
  assert.notEqual(small.headers.connection, "close", "a small body is read and the connection kept");
});
