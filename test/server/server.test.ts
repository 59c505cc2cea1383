// The server around the registry: health, TLS, JSON access logs, config files, search, read-only mode.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, test } from "node:test";
import {
  RegistryServer,
  applyConfig,
  defaultConfig,
  jsonLogger,
  openRegistry,
  readConfigFile,
} from "../../src/server/index.ts";
import { http, makeImage, pushManifest, startRegistry } from "./helpers.ts";
import { hasBinary } from "./oci-fixture.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "hoist-server-test-"));
});
after(() => rm(dir, { recursive: true, force: true }));

test("/healthz answers 200 JSON", async () => {
  const reg = await startRegistry();
  try {
    const r = await http(reg.url, "GET", "/healthz");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { status: "ok" });
  } finally {
    await reg.close();
  }
});

test("every request is logged as one JSON line with method, path, status, size, duration and user", async () => {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(
        ...chunk
          .toString()
          .split("\n")
          .filter((l) => l !== ""),
      );
      cb();
    },
  });
  const { registry } = openRegistry(applyConfig({ ...defaultConfig(join(dir, "log-root")), fsync: false }, {}));
  const server = new RegistryServer({ registry, logger: jsonLogger(out) });
  await server.listen(0);
  try {
    await http(server.url, "GET", "/v2/", { headers: { "User-Agent": "test-agent" } });
    await http(server.url, "GET", "/v2/a/b/tags/list");
  } finally {
    await server.close();
  }
  const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(entries.length, 2);
  assert.equal(entries[0]?.msg, "request");
  assert.equal(entries[0]?.level, "info");
  assert.equal(entries[0]?.method, "GET");
  assert.equal(entries[0]?.path, "/v2/");
  assert.equal(entries[0]?.status, 200);
  assert.equal(entries[0]?.userAgent, "test-agent");
  assert.equal(typeof entries[0]?.durationMs, "number");
  assert.equal(typeof entries[0]?.time, "string");
  assert.equal(entries[1]?.status, 404);
});

test(
  "TLS: the server speaks HTTPS with the configured certificate",
  { skip: hasBinary("openssl") ? false : "openssl is not installed" },
  async () => {
    const cert = join(dir, "cert.pem");
    const key = join(dir, "key.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    const config = applyConfig({ ...defaultConfig(join(dir, "tls-root")), fsync: false }, { tls: { cert, key } });
    const { registry } = openRegistry(config);
    const { readFileSync } = await import("node:fs");
    const server = new RegistryServer({
      registry,
      tls: { cert: readFileSync(cert), key: readFileSync(key) },
      accessLog: false,
    });
    await server.listen(0);
    try {
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const { request } = await import("node:https");
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${server.url}/v2/`, { ca: readFileSync(cert) }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
      assert.equal(status, 200);
    } finally {
      await server.close();
    }
  },
);

test("config files: YAML and JSON, with sizes, durations and rules; unknown keys are refused", async () => {
  const yaml = join(dir, "registry.yaml");
  await writeFile(
    yaml,
    `# a registry
addr: "127.0.0.1:5001"
storage:
  root: ${join(dir, "yaml-root")}
  fsync: false
auth:
  type: none
  access:
    - repository: "mirror/*"
      pull: ["*"]
      push: []
limits:
  maxManifestSize: 1MiB
  maxPageSize: 50
gc:
  gracePeriod: 30m
log:
  access: false
`,
  );
  const c = applyConfig(defaultConfig("/unused"), readConfigFile(yaml));
  assert.equal(c.addr, "127.0.0.1:5001");
  assert.equal(c.root, join(dir, "yaml-root"));
  assert.equal(c.fsync, false);
  assert.equal(c.limits.maxManifestSize, 1 << 20);
  assert.equal(c.limits.maxPageSize, 50);
  assert.equal(c.gc.gracePeriodSeconds, 1800);
  assert.equal(c.log.access, false);
  assert.deepEqual(c.auth.access, [{ repository: "mirror/*", pull: ["*"], push: [] }]);
  const json = join(dir, "registry.json");
  await writeFile(json, JSON.stringify({ root: join(dir, "json-root"), readOnly: true }));
  assert.equal(applyConfig(defaultConfig("/x"), readConfigFile(json)).readOnly, true);
  await writeFile(json, JSON.stringify({ limitz: {} }));
  assert.throws(() => applyConfig(defaultConfig("/x"), readConfigFile(json)), /unknown key limitz/);
  assert.throws(() => applyConfig(defaultConfig("/x"), { auth: { type: "kerberos" } }), /auth.type/);
  assert.throws(() => applyConfig(defaultConfig("/x"), { limits: { maxBlobSize: "lots" } }), /invalid size/);
  assert.throws(
    () => openRegistry(applyConfig(defaultConfig("/x"), { auth: { type: "htpasswd" } })),
    /needs auth.htpasswd/,
  );

  const reg = await startRegistry({ auth: { access: [{ repository: "mirror/*", pull: ["*"], push: [] }] } });
  try {
    const r = await http(reg.url, "POST", "/v2/mirror/x/blobs/uploads/");
    assert.equal(r.status, 403, "rules apply without authentication too");
    assert.equal((await http(reg.url, "POST", "/v2/other/x/blobs/uploads/")).status, 202);
  } finally {
    await reg.close();
  }
});

test("read-only mode refuses writes with 405 and serves reads", async () => {
  const reg = await startRegistry({ readOnly: true });
  try {
    const r = await http(reg.url, "POST", "/v2/a/b/blobs/uploads/");
    assert.equal(r.status, 405);
    assert.equal((await http(reg.url, "GET", "/v2/a/b/tags/list")).status, 404);
  } finally {
    await reg.close();
  }
});

test("/v1/search: Docker Hub's JSON shape, description from the image label, paging", async () => {
  const reg = await startRegistry();
  try {
    for (const [name, desc] of [
      ["tools/alpha", "Alpha tool"],
      ["tools/beta", "Beta tool"],
      ["other/gamma", ""],
    ] as const) {
      const img = await makeImage(
        reg.url,
        name,
        desc ? { labels: { "org.opencontainers.image.description": desc } } : {},
      );
      assert.equal((await pushManifest(reg.url, name, "latest", img.manifest)).status, 201);
    }
    const r = await http(reg.url, "GET", "/v1/search?q=tools&n=1&page=2");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), {
      num_pages: 2,
      num_results: 2,
      page_size: 1,
      page: 2,
      query: "tools",
      results: [
        { name: "tools/beta", description: "Beta tool", star_count: 0, is_official: false, is_automated: false },
      ],
    });
    const all = (await http(reg.url, "GET", "/v1/search?q=")).json() as {
      results: { name: string; description: string }[];
    };
    assert.deepEqual(
      all.results.map((x) => x.name),
      ["other/gamma", "tools/alpha", "tools/beta"],
    );
    assert.equal(all.results[1]?.description, "Alpha tool");
  } finally {
    await reg.close();
  }
});
