// `hoist registry serve` and `hoist registry gc` as processes: flags, config, logs, signals, real clients.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { bcryptHash } from "../../src/server/index.ts";
import { http } from "../server/helpers.ts";
import { busyboxTar, hasBinary, writeOciLayout } from "../server/oci-fixture.ts";

const run = promisify(execFile);
const cli = new URL("../server/fixtures/cli.ts", import.meta.url).pathname;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "hoist-registry-cli-"));
});
after(() => rm(dir, { recursive: true, force: true }));

test(
  "registry serve: config file plus flags, JSON logs, htpasswd, skopeo push, graceful stop on SIGTERM",
  { skip: hasBinary("skopeo") ? false : "skopeo is not installed" },
  async () => {
    const root = join(dir, "root");
    const htpasswd = join(dir, "htpasswd");
    await writeFile(htpasswd, `ci:${bcryptHash("ci-pw", Buffer.alloc(16, 9), 4)}\n`);
    const config = join(dir, "registry.yaml");
    await writeFile(
      config,
      `addr: "127.0.0.1:1"\nauth:\n  access:\n    - repository: "pub/*"\n      pull: ["*"]\n      push: ["+"]\n`,
    );
    const proc = spawn(
      process.execPath,
      [cli, "registry-serve", "--config", config, "--addr", "127.0.0.1:0", "--root", root, "--htpasswd", htpasswd],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => proc.once("exit", resolve));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${stderr}`)), 15_000);
      proc.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
        for (const line of stderr.split("\n")) {
          if (!line.startsWith("{")) continue;
          const entry = JSON.parse(line) as { msg: string; url?: string };
          if (entry.msg === "listening" && entry.url) {
            clearTimeout(timer);
            resolve(entry.url);
          }
        }
      });
    });
    try {
      assert.equal((await http(url, "GET", "/v2/")).status, 401, "--htpasswd turns on Basic auth");
      const image = await writeOciLayout(join(dir, "img"), "latest", [await busyboxTar()]);
      const host = url.slice("http://".length);
      await run("skopeo", [
        "copy",
        "--dest-tls-verify=false",
        "--dest-creds",
        "ci:ci-pw",
        `oci:${image.dir}:latest`,
        `docker://${host}/pub/busybox:1`,
      ]);
      const m = await http(url, "HEAD", "/v2/pub/busybox/manifests/1");
      assert.equal(m.status, 200, "anonymous pull of pub/* per the config's rules");
      assert.equal(m.headers.get("docker-content-digest"), image.manifestDigest);
    } finally {
      proc.kill("SIGTERM");
    }
    assert.equal(await exited, 0);
    const entries = stderr
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string; method?: string; status?: number; user?: string });
    assert.ok(
      entries.some((e) => e.msg === "request" && e.method === "PUT" && e.status === 201 && e.user === "ci"),
      "access log lines",
    );
    assert.equal(entries.at(-1)?.msg, "stopped");
  },
);

/** Starts `registry serve` with these flags; resolves once every expected worker logged "listening". */
async function serve(
  flags: string[],
  workers: number,
): Promise<{ url: string; stop(): Promise<number | null>; log(): string }> {
  const proc = spawn(process.execPath, [cli, "registry-serve", ...flags], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => proc.once("exit", resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening: ${stderr}`)), 20_000);
    proc.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
      const urls = stderr
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { msg: string; url?: string })
        .filter((e) => e.msg === "listening");
      if (urls.length >= workers && urls[0]?.url) {
        clearTimeout(timer);
        resolve(urls[0].url);
      }
    });
  });
  return {
    url,
    log: () => stderr,
    stop: () => {
      proc.kill("SIGTERM");
      return exited;
    },
  };
}

test("registry serve --workers 2: workers share the port, the storage, upload sessions and the token secret", async () => {
  const root = join(dir, "cluster-root");
  const htpasswd = join(dir, "htpasswd-cluster");
  await writeFile(htpasswd, `ci:${bcryptHash("ci-pw", Buffer.alloc(16, 5), 4)}\n`);
  const s = await serve(
    [
      "--addr",
      "127.0.0.1:0",
      "--root",
      root,
      "--workers",
      "2",
      "--auth",
      "token",
      "--htpasswd",
      htpasswd,
      "--access-log=false",
    ],
    2,
  );
  try {
    const pids = new Set<number>();
    for (const l of s
      .log()
      .split("\n")
      .filter((x) => x.startsWith("{"))) {
      const e = JSON.parse(l) as { msg: string; pid?: number };
      if (e.msg === "listening" && e.pid) pids.add(e.pid);
    }
    assert.equal(pids.size, 2, "two worker processes");
    const basic = { Authorization: `Basic ${Buffer.from("ci:ci-pw").toString("base64")}` };
    const { request } = await import("node:http");
    const u = new URL(s.url);
    // One fresh connection per request, so requests land on both workers.
    const once = (
      method: string,
      path: string,
      headers: Record<string, string>,
      body?: Buffer,
    ): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> =>
      new Promise((resolve, reject) => {
        const req = request(
          { host: u.hostname, port: u.port, method, path, headers: { ...headers, Connection: "close" } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
            );
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    const tokenRes = await once("GET", "/token?service=hoist-registry&scope=repository:c/x:pull,push", basic);
    const token = (JSON.parse(tokenRes.body.toString()) as { token: string }).token;
    const auth = { Authorization: `Bearer ${token}` };
    for (let i = 0; i < 6; i++)
      assert.equal((await once("GET", "/v2/", auth)).status, 200, "every worker accepts the token");
    const { createHash, randomBytes } = await import("node:crypto");
    const data = randomBytes(300_000);
    const d = `sha256:${createHash("sha256").update(data).digest("hex")}`;
    const post = await once("POST", "/v2/c/x/blobs/uploads/", auth);
    let loc = post.headers.location as string;
    for (let off = 0; off < data.length; off += 100_000) {
      const r = await once(
        "PATCH",
        loc,
        { ...auth, "Content-Range": `${off}-${off + 99_999}` },
        data.subarray(off, off + 100_000),
      );
      assert.equal(r.status, 202);
      loc = r.headers.location as string;
    }
    assert.equal(
      (await once("PUT", `${loc}?digest=${d}`, auth)).status,
      201,
      "a session chunked across workers commits",
    );
    const got = await once("GET", `/v2/c/x/blobs/${d}`, auth);
    assert.deepEqual(got.body, data);
  } finally {
    assert.equal(await s.stop(), 0);
  }
  assert.match(s.log(), /"msg":"stopped"/);
});

test("registry gc: --dry-run lists, then deletes unreferenced blobs past the grace period", async () => {
  const root = join(dir, "root");
  const { utimes, readdir } = await import("node:fs/promises");
  const orphanHex = "0".repeat(64);
  const orphanDir = join(root, "blobs", "sha256", "00", orphanHex);
  const { mkdir } = await import("node:fs/promises");
  await mkdir(orphanDir, { recursive: true });
  await writeFile(join(orphanDir, "data"), "orphan");
  const old = new Date(Date.now() - 7200_000);
  await utimes(join(orphanDir, "data"), old, old);
  const dry = await run(process.execPath, [cli, "registry-gc", "--root", root, "--dry-run"]);
  assert.match(dry.stdout, new RegExp(`would delete blob sha256:${orphanHex}`));
  assert.match(dry.stdout, /would delete 1 blobs/);
  assert.deepEqual(await readdir(join(root, "blobs", "sha256", "00")), [orphanHex]);
  const real = await run(process.execPath, [cli, "registry-gc", "--root", root, "--grace-period", "1h"]);
  assert.match(real.stdout, /deleted 1 blobs/);
  assert.deepEqual(await readdir(join(root, "blobs", "sha256", "00")), []);
  const bad = await run(process.execPath, [cli, "registry-gc", "--root", root, "--grace-period", "soon"]).catch(
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal((bad as { code: number }).code, 1);
});
