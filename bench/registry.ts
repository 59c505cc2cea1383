// Benchmark: hoist's registry server against CNCF Distribution (docker-registry) on this machine, in one run.
// Loopback only; load comes from wrk (GET) or bench/registry-load.ts (HEAD) in a separate process, bounded in
// connections and time.
//   node bench/registry.ts [--duration 5] [--runs 3] [--workers N]   (hoist's default: one worker per core, ≤ 4)
// Cases: manifest GET and blob HEAD (requests/s, 32 connections), 64 MB blob GET (MB/s, 4 connections),
// skopeo copy of a 70 MB image into each registry (seconds). Prints medians and the hoist/peer ratio.
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, waitUntilUp } from "../test/e2e/registry-client-helpers.ts";
import { median } from "./harness.ts";

const run = promisify(execFile);
const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const duration = opt("duration", 5);
const runs = opt("runs", 3);
const MAN = "application/vnd.oci.image.manifest.v1+json";

interface Target {
  name: string;
  url: string;
  proc: ChildProcess;
}

function sha256(b: Uint8Array): string {
  return `sha256:${createHash("sha256").update(b).digest("hex")}`;
}

async function startHoist(root: string): Promise<Target> {
  const script = new URL("./registry-server.ts", import.meta.url).pathname;
  const port = await freePort();
  const workers = args.includes("--workers") ? [String(opt("workers", 1))] : [];
  const proc = spawn(process.execPath, [script, root, String(port), ...workers], {
    stdio: ["ignore", "ignore", "ignore"],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${url}/v2/`);
  return { name: "hoist", url, proc };
}

async function startDistribution(root: string): Promise<Target> {
  const port = await freePort();
  const config = join(root, "config.yml");
  await mkdir(join(root, "data"), { recursive: true });
  await writeFile(
    config,
    `version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: ${join(root, "data")}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const proc = spawn("docker-registry", ["serve", config], { stdio: ["ignore", "ignore", "ignore"] });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${url}/v2/`);
  return { name: "distribution", url, proc };
}

async function pushBlob(t: Target, repo: string, data: Uint8Array): Promise<string> {
  const d = sha256(data);
  const post = await fetch(`${t.url}/v2/${repo}/blobs/uploads/`, { method: "POST" });
  const loc = new URL(post.headers.get("location") as string, t.url);
  loc.searchParams.set("digest", d);
  const put = await fetch(loc, { method: "PUT", body: data, headers: { "Content-Type": "application/octet-stream" } });
  if (put.status !== 201) throw new Error(`${t.name}: blob push ${put.status} ${await put.text()}`);
  return d;
}

async function seed(t: Target, big: Buffer): Promise<{ manifest: string; blob: string }> {
  const layer = randomBytes(1024);
  const config = Buffer.from(
    JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [sha256(layer)] } }),
  );
  const ld = await pushBlob(t, "bench/app", layer);
  const cd = await pushBlob(t, "bench/app", config);
  const blob = await pushBlob(t, "bench/app", big);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MAN,
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: cd, size: config.length },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: ld, size: layer.length }],
  });
  const r = await fetch(`${t.url}/v2/bench/app/manifests/latest`, {
    method: "PUT",
    body: manifest,
    headers: { "Content-Type": MAN },
  });
  if (r.status !== 201) throw new Error(`${t.name}: manifest push ${r.status} ${await r.text()}`);
  return { manifest: sha256(Buffer.from(manifest)), blob };
}

async function wrk(url: string, connections: number, script?: string, headers: string[] = []): Promise<number> {
  const a = ["-t", "2", "-c", String(connections), "-d", `${duration}s`, "--timeout", "10s"];
  for (const h of headers) a.push("-H", h);
  if (script) a.push("-s", script);
  const { stdout } = await run("wrk", [...a, url], { timeout: (duration + 30) * 1000 });
  const m = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (!m) throw new Error(`wrk output: ${stdout}`);
  if (/Non-2xx or 3xx responses/.test(stdout)) throw new Error(`wrk saw errors: ${stdout}`);
  return Number(m[1]);
}

/** HEAD load from bench/registry-load.ts in a second process. */
async function nodeLoad(url: string, method: string, connections: number): Promise<number> {
  const script = new URL("./registry-load.ts", import.meta.url).pathname;
  const { stdout } = await run(process.execPath, [script, url, method, String(connections), String(duration)], {
    timeout: (duration + 30) * 1000,
  });
  const r = JSON.parse(stdout) as { requestsPerSecond: number; errors: number };
  if (r.errors > 0) throw new Error(`${r.errors} failed ${method} requests to ${url}`);
  return r.requestsPerSecond;
}

/** A 70 MB OCI layout (3 gzip'd layers of incompressible data) for skopeo to copy. */
async function makeLayout(dir: string): Promise<string> {
  const { gzipSync } = await import("node:zlib");
  await mkdir(join(dir, "blobs", "sha256"), { recursive: true });
  await writeFile(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const put = async (b: Buffer): Promise<string> => {
    const d = sha256(b);
    await writeFile(join(dir, "blobs", "sha256", d.slice(7)), b);
    return d;
  };
  const layers = [];
  const diffs = [];
  for (const size of [40, 20, 10]) {
    const raw = randomBytes(size << 20);
    const gz = gzipSync(raw, { level: 0 });
    layers.push({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: await put(gz), size: gz.length });
    diffs.push(sha256(raw));
  }
  const config = Buffer.from(
    JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: diffs } }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MAN,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: await put(config), size: config.length },
      layers,
    }),
  );
  const md = await put(manifest);
  await writeFile(
    join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: MAN,
          digest: md,
          size: manifest.length,
          annotations: { "org.opencontainers.image.ref.name": "latest" },
        },
      ],
    }),
  );
  return dir;
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), "hoist-bench-"));
  const targets: Target[] = [];
  try {
    targets.push(await startHoist(join(work, "hoist")), await startDistribution(join(work, "distribution")));
    const big = randomBytes(64 << 20);
    const seeded = new Map<string, { manifest: string; blob: string }>();
    for (const t of targets) seeded.set(t.name, await seed(t, big));
    const results: Record<string, Record<string, number[]>> = {};
    const record = (kase: string, who: string, v: number): void => {
      ((results[kase] ??= {})[who] ??= []).push(v);
    };
    for (let i = 0; i < runs; i++) {
      for (const t of i % 2 ? [...targets].reverse() : targets) {
        const s = seeded.get(t.name) as { manifest: string; blob: string };
        record(
          "manifest GET (req/s, 32 conns)",
          t.name,
          await wrk(`${t.url}/v2/bench/app/manifests/latest`, 32, undefined, [`Accept: ${MAN}`]),
        );
        record(
          "blob HEAD (req/s, 32 conns, node client)",
          t.name,
          await nodeLoad(`${t.url}/v2/bench/app/blobs/${s.blob}`, "HEAD", 32),
        );
        const rps = await wrk(`${t.url}/v2/bench/app/blobs/${s.blob}`, 4);
        record("64 MB blob GET (MB/s, 4 conns)", t.name, (rps * (64 << 20)) / 1e6);
      }
    }
    // skopeo's run-to-run spread is wide: two more runs than the other cases.
    for (let i = 0; i < runs + 2; i++) {
      const layout = await makeLayout(join(work, `layout${i}`));
      for (const t of i % 2 ? [...targets].reverse() : targets) {
        const host = t.url.slice("http://".length);
        const started = performance.now();
        await run(
          "skopeo",
          ["copy", "--dest-tls-verify=false", `oci:${layout}:latest`, `docker://${host}/bench/copy${i}:latest`],
          { timeout: 300_000 },
        );
        record("skopeo copy 70 MB image (s, lower is better)", t.name, (performance.now() - started) / 1000);
      }
      await rm(layout, { recursive: true, force: true });
    }
    const rows = Object.entries(results).map(([kase, r]) => {
      const h = median(r.hoist ?? []);
      const d = median(r.distribution ?? []);
      return {
        case: kase,
        hoist: Number(h.toFixed(2)),
        distribution: Number(d.toFixed(2)),
        "hoist/peer": Number((h / d).toFixed(2)),
      };
    });
    console.log(
      `hoist registry vs docker-registry (${(await run("docker-registry", ["--version"])).stdout.trim()}), medians of ${runs} runs of ${duration}s`,
    );
    console.table(rows);
  } finally {
    for (const t of targets) t.proc.kill("SIGTERM");
    await rm(work, { recursive: true, force: true });
  }
}

await main();
