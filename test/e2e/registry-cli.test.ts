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

test("registry serve: config file plus flags, JSON logs, htpasswd, skopeo push, graceful stop on SIGTERM", { skip: hasBinary("skopeo") ? false : "skopeo is not installed" }, async () => {
  const root = join(dir, "root");
  const htpasswd = join(dir, "htpasswd");
  await writeFile(htpasswd, `ci:${bcryptHash("ci-pw", Buffer.alloc(16, 9), 4)}\n`);
  const config = join(dir, "registry.yaml");
  await writeFile(config, `addr: "127.0.0.1:1"\nauth:\n  access:\n    - repository: "pub/*"\n      pull: ["*"]\n      push: ["+"]\n`);
  const proc = spawn(process.execPath, [cli, "registry-serve", "--config", config, "--addr", "127.0.0.1:0", "--root", root, "--htpasswd", htpasswd], { stdio: ["ignore", "pipe", "pipe"] });
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
    await run("skopeo", ["copy", "--dest-tls-verify=false", "--dest-creds", "ci:ci-pw", `oci:${image.dir}:latest`, `docker://${host}/pub/busybox:1`]);
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
  assert.ok(entries.some((e) => e.msg === "request" && e.method === "PUT" && e.status === 201 && e.user === "ci"), "access log lines");
  assert.equal(entries.at(-1)?.msg, "stopped");
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
  const bad = await run(process.execPath, [cli, "registry-gc", "--root", root, "--grace-period", "soon"]).catch((e: { code: number; stderr: string }) => e);
  assert.equal((bad as { code: number }).code, 1);
});
