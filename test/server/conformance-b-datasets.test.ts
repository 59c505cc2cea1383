// CHECKLIST.md B2.4-5 (redesigned suite): every data set pushed, listed, fetched, queried for referrers and
// deleted, plus the manifest error checks.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { gzipSync } from "node:zlib";
import { emptyJson, sha512 } from "./conformance-data.ts";
import type { Desc } from "./conformance-data.ts";
import { IDX, MAN, OCT, digestOf, http, random, startRegistry } from "./helpers.ts";
import type { TestRegistry } from "./helpers.ts";

const repo = "conformance/datasets";
let reg: TestRegistry;
before(async () => {
  reg = await startRegistry();
});
after(() => reg.close());

const CONFIG = "application/vnd.oci.image.config.v1+json";
const GZ = "application/vnd.oci.image.layer.v1.tar+gzip";

interface M {
  bytes: Buffer;
  type: string;
  tags?: string[];
  tagParam?: boolean;
  subject?: string;
  artifactType?: string;
  annotations?: Record<string, string>;
}

interface DataSet {
  name: string;
  alg?: string;
  blobs: Buffer[];
  manifests: M[];
}

function dig(b: Buffer, alg = "sha256"): string {
  return alg === "sha512" ? sha512(b) : digestOf(b);
}

function d(mediaType: string, data: Buffer, alg = "sha256", extra: Record<string, unknown> = {}): Desc {
  return { mediaType, digest: dig(data, alg), size: data.length, ...extra };
}

function json(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v));
}

function config(extra: Record<string, unknown> = {}): Buffer {
  return json({
    architecture: "amd64",
    os: "linux",
    rootfs: { type: "layers", diff_ids: [] },
    nonce: random(8).toString("hex"),
    ...extra,
  });
}

function image(
  opts: {
    alg?: string;
    layerType?: string;
    layers?: number;
    extra?: Record<string, unknown>;
    subject?: Desc;
    artifactType?: string;
    annotations?: Record<string, string>;
  } = {},
): { blobs: Buffer[]; m: M } {
  const alg = opts.alg ?? "sha256";
  const c = config();
  const layers = Array.from({ length: opts.layers ?? 2 }, () =>
    opts.layerType === "application/vnd.oci.image.layer.v1.tar" ? random(300) : gzipSync(random(300)),
  );
  const doc: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: MAN,
    config: d(CONFIG, c, alg),
    layers: layers.map((l) => d(opts.layerType ?? GZ, l, alg)),
    ...opts.extra,
  };
  if (opts.artifactType) doc.artifactType = opts.artifactType;
  if (opts.subject) doc.subject = opts.subject;
  if (opts.annotations) doc.annotations = opts.annotations;
  const m: M = { bytes: json(doc), type: MAN, artifactType: opts.artifactType ?? CONFIG };
  if (opts.subject) m.subject = opts.subject.digest;
  if (opts.annotations) m.annotations = opts.annotations;
  return { blobs: [c, ...layers], m };
}

function indexOf(
  children: M[],
  opts: {
    alg?: string;
    artifactType?: string;
    subject?: Desc;
    extra?: Record<string, unknown>;
    platforms?: boolean;
  } = {},
): M {
  const doc: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: IDX,
    manifests: children.map((c, i) =>
      d(
        c.type,
        c.bytes,
        opts.alg,
        opts.platforms ? { platform: { architecture: i === 0 ? "amd64" : "arm64", os: "linux" } } : {},
      ),
    ),
    ...opts.extra,
  };
  if (opts.artifactType) doc.artifactType = opts.artifactType;
  if (opts.subject) doc.subject = opts.subject;
  const m: M = { bytes: json(doc), type: IDX };
  if (opts.artifactType) m.artifactType = opts.artifactType;
  if (opts.subject) m.subject = opts.subject.digest;
  return m;
}

function dataSets(): DataSet[] {
  const sets: DataSet[] = [];
  const img = image();
  sets.push({ name: "image", blobs: img.blobs, manifests: [{ ...img.m, tags: ["image"] }] });
  const raw = image({ layerType: "application/vnd.oci.image.layer.v1.tar" });
  sets.push({ name: "image-uncompressed", blobs: raw.blobs, manifests: [{ ...raw.m, tags: ["uncompressed"] }] });
  const annotations: Record<string, string> = {};
  for (let i = 0; i < 390; i++) annotations[`org.example.large.${i}`] = "x".repeat(10_000);
  const large = image({ annotations });
  delete large.m.annotations;
  sets.push({ name: "large-manifest", blobs: large.blobs, manifests: [{ ...large.m, tags: ["large"] }] });
  const i1 = image();
  const i2 = image();
  const idx = indexOf([i1.m, i2.m], { platforms: true });
  sets.push({ name: "index", blobs: [...i1.blobs, ...i2.blobs], manifests: [i1.m, i2.m, { ...idx, tags: ["index"] }] });
  const n1 = image();
  const inner = indexOf([n1.m], { platforms: true });
  const outer = indexOf([inner]);
  sets.push({ name: "nested-index", blobs: n1.blobs, manifests: [n1.m, inner, { ...outer, tags: ["nested"] }] });
  sets.push({ name: "empty-index", blobs: [], manifests: [{ ...indexOf([]), tags: ["empty-index"] }] });
  const payload = random(200);
  const art = {
    schemaVersion: 2,
    mediaType: MAN,
    artifactType: "application/vnd.example.thing",
    config: d("application/vnd.oci.empty.v1+json", emptyJson),
    layers: [d("application/vnd.example.thing.layer", payload)],
  };
  const artM: M = { bytes: json(art), type: MAN, artifactType: "application/vnd.example.thing", tags: ["artifact"] };
  sets.push({ name: "artifact", blobs: [emptyJson, payload], manifests: [artM] });
  const noLayerArt: M = {
    bytes: json({
      ...art,
      layers: [d("application/vnd.oci.empty.v1+json", emptyJson)],
      artifactType: "application/vnd.example.empty",
    }),
    type: MAN,
    artifactType: "application/vnd.example.empty",
  };
  const artIdx = indexOf([artM, noLayerArt], { artifactType: "application/vnd.example.index" });
  sets.push({
    name: "artifact-index",
    blobs: [emptyJson, payload],
    manifests: [{ ...artM, tags: [] }, noLayerArt, { ...artIdx, tags: ["artifact-index"] }],
  });
  sets.push({
    name: "artifact-without-layers",
    blobs: [emptyJson],
    manifests: [{ ...noLayerArt, tags: ["no-layer-artifact"] }],
  });

  const base = image();
  const baseDesc = d(MAN, base.m.bytes);
  const refs = [0, 1, 2].map((i) =>
    image({
      subject: baseDesc,
      artifactType: `application/vnd.example.sig.v${i % 2}`,
      annotations: { "org.example.n": String(i) },
      layers: 1,
    }),
  );
  sets.push({
    name: "artifacts-with-subject",
    blobs: [...base.blobs, ...refs.flatMap((r) => r.blobs)],
    manifests: [
      { ...base.m, tags: ["subject"] },
      { ...refs[0]!.m, tags: ["sig0"] },
      { ...refs[1]!.m, tags: ["sig1"] },
      refs[2]!.m,
    ],
  });
  const s1 = image();
  const withSubject = indexOf([s1.m], {
    subject: d(MAN, base.m.bytes),
    artifactType: "application/vnd.example.bundle",
  });
  sets.push({
    name: "index-with-subject",
    blobs: [...base.blobs, ...s1.blobs],
    manifests: [base.m, s1.m, withSubject],
  });
  const ghost = d(MAN, json({ never: "pushed", n: random(4).toString("hex") }));
  const orphan = image({ subject: ghost, layers: 1 });
  sets.push({ name: "missing-subject", blobs: orphan.blobs, manifests: [{ ...orphan.m, tags: ["orphan"] }] });
  const dc = config();
  const dl = gzipSync(random(100));
  const dataField: M = {
    bytes: json({
      schemaVersion: 2,
      mediaType: MAN,
      config: d(CONFIG, dc, "sha256", { data: dc.toString("base64") }),
      layers: [d(GZ, dl, "sha256", { data: dl.toString("base64") })],
    }),
    type: MAN,
    tags: ["data-field"],
  };
  sets.push({ name: "data-field", blobs: [dc, dl], manifests: [dataField] });
  const nc = config();
  const nonDist: M = {
    bytes: json({
      schemaVersion: 2,
      mediaType: MAN,
      config: d(CONFIG, nc),
      layers: [
        d("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", random(64), "sha256", {
          urls: ["https://example.com/layer1"],
        }),
        d("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", random(64), "sha256", {
          urls: ["https://example.com/layer2"],
        }),
      ],
    }),
    type: MAN,
    tags: ["non-distributable"],
  };
  sets.push({ name: "non-distributable-layers", blobs: [nc], manifests: [nonDist] });
  const cc = config({ customField: "x" });
  const cl = gzipSync(random(64));
  const custom: M = {
    bytes: json({
      schemaVersion: 2,
      mediaType: MAN,
      config: d(CONFIG, cc),
      layers: [d(GZ, cl)],
      "org.example.unknown": { a: [1, 2] },
    }),
    type: MAN,
  };
  const customIdx = indexOf([custom], { extra: { "org.example.unknown": true } });
  sets.push({ name: "custom-fields", blobs: [cc, cl], manifests: [custom, { ...customIdx, tags: ["custom"] }] });
  const zc = config();
  sets.push({
    name: "no-layers",
    blobs: [zc],
    manifests: [
      {
        bytes: json({ schemaVersion: 2, mediaType: MAN, config: d(CONFIG, zc), layers: [] }),
        type: MAN,
        tags: ["no-layers"],
      },
    ],
  });
  const x1 = image({ alg: "sha512" });
  const x2 = image({ alg: "sha512" });
  const xIdx = indexOf([x1.m, x2.m], { alg: "sha512", platforms: true });
  sets.push({ name: "sha512", alg: "sha512", blobs: [...x1.blobs, ...x2.blobs], manifests: [x1.m, x2.m, xIdx] });
  for (const alg of ["sha256", "sha512"]) {
    const t = image({ alg });
    sets.push({
      name: `tag-param-${alg}`,
      alg,
      blobs: t.blobs,
      manifests: [{ ...t.m, tags: [`param-${alg}-a`, `param-${alg}-b`], tagParam: true }],
    });
  }
  return sets;
}

async function pushBlobAs(data: Buffer, alg: string): Promise<void> {
  const r = await http(reg.url, "POST", `/v2/${repo}/blobs/uploads/?digest=${dig(data, alg)}`, {
    headers: { "Content-Type": OCT },
    body: data,
  });
  assert.equal(r.status, 201, r.text());
}

function mediaTypeOf(m: M): string {
  return (JSON.parse(m.bytes.toString()) as { mediaType?: string }).mediaType ?? MAN;
}

for (const set of dataSets()) {
  test(`B2.4 data set ${set.name}: push, tag list, HEAD/GET, referrers, delete`, async () => {
    const alg = set.alg ?? "sha256";
    for (const b of set.blobs) await pushBlobAs(b, alg);
    for (const m of set.manifests) {
      const ref = dig(m.bytes, alg);
      const q = m.tagParam ? `?${(m.tags ?? []).map((t) => `tag=${t}`).join("&")}` : "";
      const r = await http(reg.url, "PUT", `/v2/${repo}/manifests/${ref}${q}`, {
        headers: { "Content-Type": m.type },
        body: m.bytes,
      });
      assert.equal(r.status, 201, `${set.name}: ${r.text()}`);
      assert.ok(r.headers.get("location"));
      assert.equal(r.headers.get("docker-content-digest"), ref);
      if (m.subject) assert.equal(r.headers.get("oci-subject"), m.subject);
      if (m.tagParam) {
        const listed = (r.headers.get("oci-tag") ?? "").split(",").map((s) => s.trim());
        for (const t of m.tags ?? []) assert.ok(listed.includes(t), `OCI-Tag lists ${t}`);
      }
      const back = await http(reg.url, "GET", r.headers.get("location") as string, {
        headers: { Accept: `${IDX}, ${MAN}` },
      });
      assert.deepEqual(back.body, m.bytes);
    }
    for (const m of set.manifests)
      for (const t of m.tagParam ? [] : (m.tags ?? [])) {
        const r = await http(reg.url, "PUT", `/v2/${repo}/manifests/${t}`, {
          headers: { "Content-Type": m.type },
          body: m.bytes,
        });
        assert.equal(r.status, 201);
      }
    const allTags = set.manifests.flatMap((m) => m.tags ?? []).sort();
    const listed = ((await http(reg.url, "GET", `/v2/${repo}/tags/list`)).json() as { tags: string[] }).tags;
    for (const t of allTags) assert.ok(listed.includes(t), `tag ${t} listed`);
    if (allTags.length >= 2) {
      const last = allTags[Math.floor(allTags.length / 2) - 1] as string;
      const after = ((await http(reg.url, "GET", `/v2/${repo}/tags/list?last=${last}`)).json() as { tags: string[] })
        .tags;
      for (const t of after) assert.ok(t > last);
      for (const t of allTags) if (t > last) assert.ok(after.includes(t));
    }
    for (const m of set.manifests) {
      const ref = dig(m.bytes, alg);
      for (const method of ["HEAD", "GET"]) {
        const r = await http(reg.url, method, `/v2/${repo}/manifests/${ref}`, {
          headers: { Accept: `${IDX}, ${MAN}` },
        });
        assert.equal(r.status, 200);
        assert.equal(r.headers.get("content-type"), mediaTypeOf(m));
        assert.equal(r.headers.get("content-length"), String(m.bytes.length));
        assert.equal(r.headers.get("docker-content-digest"), ref);
        if (method === "GET") assert.deepEqual(r.body, m.bytes);
      }
    }
    const subjects = new Set(set.manifests.map((m) => m.subject).filter((s): s is string => s !== undefined));
    for (const subject of subjects) {
      const expected = set.manifests.filter((m) => m.subject === subject);
      const r = await http(reg.url, "GET", `/v2/${repo}/referrers/${subject}`);
      assert.equal(r.status, 200);
      const got = (r.json() as { manifests: Desc[] }).manifests;
      for (const m of expected) {
        const e = got.find((g) => g.digest === dig(m.bytes, alg));
        assert.ok(e, "referrer listed");
        assert.equal(e.mediaType, m.type);
        assert.equal(e.size, m.bytes.length);
        assert.equal(e.artifactType, m.artifactType);
        for (const [k, v] of Object.entries(m.annotations ?? {}))
          assert.equal((e.annotations as Record<string, string>)[k], v);
      }
      for (const type of new Set(expected.map((m) => m.artifactType))) {
        const f = await http(
          reg.url,
          "GET",
          `/v2/${repo}/referrers/${subject}?artifactType=${encodeURIComponent(type ?? "")}`,
        );
        assert.equal(f.headers.get("oci-filters-applied"), "artifactType");
        const fm = (f.json() as { manifests: Desc[] }).manifests;
        assert.ok(fm.every((g) => g.artifactType === type));
        assert.equal(fm.length, expected.filter((m) => m.artifactType === type).length);
      }
    }
    for (const t of allTags) {
      assert.equal((await http(reg.url, "DELETE", `/v2/${repo}/manifests/${t}`)).status, 202);
      assert.equal((await http(reg.url, "HEAD", `/v2/${repo}/manifests/${t}`)).status, 404);
    }
    for (const m of [...set.manifests].reverse()) {
      const ref = dig(m.bytes, alg);
      const r = await http(reg.url, "DELETE", `/v2/${repo}/manifests/${ref}`);
      assert.ok(r.status === 202 || r.status === 404);
      assert.equal((await http(reg.url, "HEAD", `/v2/${repo}/manifests/${ref}`)).status, 404);
    }
    for (const b of set.blobs) {
      const r = await http(reg.url, "DELETE", `/v2/${repo}/blobs/${dig(b, alg)}`);
      assert.ok(r.status === 202 || r.status === 404);
      assert.equal((await http(reg.url, "HEAD", `/v2/${repo}/blobs/${dig(b, alg)}`)).status, 404);
    }
  });
}

test("B2.4 sparse (off by default in the suite): a missing layer or child is refused with MANIFEST_BLOB_UNKNOWN", async () => {
  const c = config();
  await pushBlobAs(c, "sha256");
  const missing = gzipSync(random(64));
  const m = json({ schemaVersion: 2, mediaType: MAN, config: d(CONFIG, c), layers: [d(GZ, missing)] });
  const r = await http(reg.url, "PUT", `/v2/${repo}/manifests/${digestOf(m)}`, {
    headers: { "Content-Type": MAN },
    body: m,
  });
  assert.equal(r.status, 400);
  const err = (r.json() as { errors: { code: string; detail: { digests: string[] } }[] }).errors[0];
  assert.equal(err?.code, "MANIFEST_BLOB_UNKNOWN");
  assert.deepEqual(err?.detail.digests, [digestOf(missing)]);
  const idx = json({ schemaVersion: 2, mediaType: IDX, manifests: [d(MAN, m)] });
  const ri = await http(reg.url, "PUT", `/v2/${repo}/manifests/sparse-index`, {
    headers: { "Content-Type": IDX },
    body: idx,
  });
  assert.equal((ri.json() as { errors: { code: string }[] }).errors[0]?.code, "MANIFEST_BLOB_UNKNOWN");
});

test("B2.4 bad-digest-image: manifest bytes with trailing spaces under the original digest give 400", async () => {
  const img = image();
  for (const b of img.blobs) await pushBlobAs(b, "sha256");
  const padded = Buffer.concat([img.m.bytes, Buffer.from("   ")]);
  const r = await http(reg.url, "PUT", `/v2/${repo}/manifests/${digestOf(img.m.bytes)}`, {
    headers: { "Content-Type": MAN },
    body: padded,
  });
  assert.equal(r.status, 400);
  assert.equal((r.json() as { errors: { code: string }[] }).errors[0]?.code, "DIGEST_INVALID");
  assert.equal((await http(reg.url, "HEAD", `/v2/${repo}/manifests/${digestOf(img.m.bytes)}`)).status, 404);
});

test("B2.5 manifest errors: unknown digest 404, missing tag 404, PUT/GET sha256:baddigeststring 400", async () => {
  assert.equal((await http(reg.url, "GET", `/v2/${repo}/manifests/${digestOf(random(16))}`)).status, 404);
  assert.equal((await http(reg.url, "GET", `/v2/${repo}/manifests/missing-${random(4).toString("hex")}`)).status, 404);
  const img = image();
  for (const b of img.blobs) await pushBlobAs(b, "sha256");
  const put = await http(reg.url, "PUT", `/v2/${repo}/manifests/sha256:baddigeststring`, {
    headers: { "Content-Type": MAN },
    body: img.m.bytes,
  });
  assert.equal(put.status, 400);
  const get = await http(reg.url, "GET", `/v2/${repo}/manifests/sha256:baddigeststring`);
  assert.ok(get.status === 400 || get.status === 404);
});
