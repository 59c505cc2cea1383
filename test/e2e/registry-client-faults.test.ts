// Pulls and pushes through a fault-injecting proxy in front of Distribution: connections cut mid-blob and
// mid-upload, 500s and 429s; they still complete, quietly. A proxy that corrupts one byte: the pull fails
// cleanly, naming the blob, and the store is unchanged.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { busyboxTar, have, hoist, removeDir, tempDir } from "./helpers.ts";

import { hoistIn, skopeo, startDistribution, type Distribution } from "./registry-client-helpers.ts";

const peers = have("docker-registry") && have("skopeo");
const skip = peers ? false : "docker-registry and skopeo are needed (scripts/setup installs them)";

interface Plan {
  /** Cut each layer-sized blob download once, halfway. */
  cutBlobs?: boolean;
  /** Cut each blob upload once, a third of the way in. */
  cutUploads?: boolean;
  /** Answer every Nth request with a 500, and every Mth with a 429. */
  every500?: number;
  every429?: number;
  /** Flip one byte in the middle of layer-sized blob downloads. */
  corrupt?: boolean;
  /** Answer every Range request (a resumption) with a 500. */
  failRanges?: boolean;
}

interface Proxy {
  host: string;
  stats: { cuts: number; errors500: number; errors429: number; uploadsCut: number; corrupted: number };
  stop(): Promise<void>;
}

const BIG = 64 << 10;

async function startProxy(target: string, plan: Plan): Promise<Proxy> {
  const stats = { cuts: 0, errors500: 0, errors429: 0, uploadsCut: 0, corrupted: 0 };
  const cutOnce = new Set<string>();
  let n = 0;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    n++;
    const url = req.url ?? "/";
    const path = url.split("?")[0] ?? url;
    const fail = (status: number, headers: Record<string, string> = {}): void => {
      req.resume();
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end('{"errors":[{"code":"UNKNOWN","message":"injected fault"}]}');
    };
    if (plan.failRanges && req.headers.range) {
      stats.errors500++;
      return fail(500);
    }
    if (path !== "/v2/" && plan.every500 && n % plan.every500 === 0) {
      stats.errors500++;
      return fail(500);
    }
    if (path !== "/v2/" && plan.every429 && n % plan.every429 === 0) {
      stats.errors429++;
      return fail(429, { "retry-after": "0" });
    }
    const uploadBody =
      (req.method === "PATCH" || req.method === "PUT") &&
      path.includes("/blobs/uploads/") &&
      Number(req.headers["content-length"] ?? 0) > BIG;
    if (plan.cutUploads && uploadBody && !cutOnce.has(`up:${req.method}`)) {
      cutOnce.add(`up:${req.method}`);
      stats.uploadsCut++;
      let got = 0;
      const third = Number(req.headers["content-length"]) / 3;
      req.on("data", (c: Buffer) => {
        got += c.length;
        if (got > third) req.socket.destroy();
      });
      return;
    }
    const up = request(
      { host: "127.0.0.1", port: Number(target.split(":")[1]), method: req.method, path: url, headers: req.headers },
      (r) => {
        const blobGet = req.method === "GET" && /\/blobs\/sha256:/.test(path) && r.statusCode === 200;
        const size = Number(r.headers["content-length"] ?? 0);
        res.writeHead(r.statusCode ?? 502, r.headers);
        if (!blobGet || size < BIG) return void r.pipe(res);
        if (plan.cutBlobs && !cutOnce.has(path)) {
          cutOnce.add(path);
          stats.cuts++;
          let sent = 0;
          r.on("data", (c: Buffer) => {
            if (sent > size / 2) return;
            sent += c.length;
            res.write(c);
            if (sent > size / 2) {
              r.destroy();
              res.socket?.destroy();
            }
          });
          return;
        }
        if (plan.corrupt) {
          stats.corrupted++;
          let offset = 0;
          r.on("data", (c: Buffer) => {
            const mid = Math.floor(size / 2);
            if (offset <= mid && mid < offset + c.length) {
              c = Buffer.from(c);
              c[mid - offset] = (c[mid - offset] ?? 0) ^ 0xff;
            }
            offset += c.length;
            res.write(c);
          });
          r.on("end", () => res.end());
          return;
        }
        r.pipe(res);
      },
    );
    up.on("error", () => res.socket?.destroy());
    req.pipe(up);
  };
  const server: Server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    host,
    stats,
    stop: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let dir = "";
let reg: Distribution;
let env: NodeJS.ProcessEnv = {};
let tarball = "";
const proxies: Proxy[] = [];

before(async () => {
  if (!peers) return;
  dir = tempDir("hoist-registry-faults-");
  env = { DOCKER_CONFIG: join(dir, "docker"), REGISTRY_AUTH_FILE: "" };
  reg = await startDistribution(join(dir, "registry"));
  // busybox plus 3 MB of noise: one layer big enough to be cut halfway.
  const tree = join(dir, "tree");
  mkdirSync(join(tree, "data"), { recursive: true });
  execFileSync("tar", ["-xf", busyboxTar(), "-C", tree]);
  writeFileSync(join(tree, "data/noise.bin"), randomBytes(3 << 20));
  tarball = join(dir, "rootfs.tar");
  execFileSync("tar", ["--numeric-owner", "-C", tree, "-cf", tarball, "."]);
});
after(async () => {
  if (!peers) return;
  for (const p of proxies) await p.stop();
  await reg.stop();
  removeDir(dir);
});

async function proxy(plan: Plan): Promise<Proxy> {
  const p = await startProxy(reg.host, plan);
  proxies.push(p);
  return p;
}

test(
  "through dropped connections, 500s and 429s, a push and a pull still complete, quietly",
  { skip, timeout: 60_000 },
  async () => {
    const p = await proxy({ cutBlobs: true, cutUploads: true, every500: 4, every429: 7 });
    const root = join(dir, "push-root");
    const id = hoist(root, ["import", tarball, `${p.host}/flaky/img:1`], { env }).stdout.trim();
    const push = await hoistIn(root, ["push", `${p.host}/flaky/img:1`], { env });
    assert.equal(push.code, 0, push.stderr);
    assert.equal(push.stderr, "");
    assert.match(push.stdout, /^1: digest: sha256:/m);
    assert.ok(p.stats.uploadsCut >= 1, "an upload was cut");
    assert.equal(
      JSON.parse(skopeo("inspect", "--tls-verify=false", "--raw", `docker://${reg.host}/flaky/img:1`)).config.digest,
      id,
    );
    const r2 = join(dir, "pull-root");
    const pull = await hoistIn(r2, ["pull", `${p.host}/flaky/img:1`], { env });
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(pull.stderr, "", "nothing alarming");
    assert.match(pull.stdout, /^Status: Downloaded newer image for /m);
    assert.ok(p.stats.cuts >= 1, "a blob download was cut and resumed");
    assert.ok(p.stats.errors500 >= 1 && p.stats.errors429 >= 1, JSON.stringify(p.stats));
    assert.equal(hoist(r2, ["images", "-q", "--no-trunc"], { env }).stdout.trim(), id);
    assert.match(hoist(r2, ["system", "check"], { env }).stdout, /No problems found/);
  },
);

test(
  "a proxy that corrupts one byte: the pull fails naming the blob, and the store is unchanged",
  { skip, timeout: 60_000 },
  async () => {
    const root = join(dir, "seed");
    hoist(root, ["import", tarball, `${reg.host}/clean/img:1`], { env });
    assert.equal(hoist(root, ["push", "-q", `${reg.host}/clean/img:1`], { env }).code, 0);
    const layer = JSON.parse(skopeo("inspect", "--tls-verify=false", "--raw", `docker://${reg.host}/clean/img:1`))
      .layers[0].digest as string;
    const p = await proxy({ corrupt: true });
    const r = join(dir, "corrupt-root");
    hoist(r, ["import", busyboxTar(), "keep:1"], { env });
    const before = hoist(r, ["images", "-q", "--no-trunc"], { env }).stdout;
    const pull = await hoistIn(r, ["pull", `${p.host}/clean/img:1`], { env });
    assert.equal(pull.code, 1);
    assert.ok(p.stats.corrupted >= 1);
    assert.match(pull.stderr, new RegExp(`^Error: .*${layer}`, "m"), pull.stderr);
    assert.equal(hoist(r, ["images", "-q", "--no-trunc"], { env }).stdout, before, "no new image");
    assert.match(hoist(r, ["system", "check"], { env }).stdout, /No problems found \(1 images, 1 layers/);
    let tmp: string[] = [];
    try {
      tmp = readdirSync(join(r, "tmp"));
    } catch {
      /* no tmp at all */
    }
    assert.deepEqual(tmp, [], "no staging left behind");
  },
);

test(
  "a download that cannot be resumed fails (no hang), naming the layer; the store is unchanged",
  { skip, timeout: 60_000 },
  async () => {
    const p = await proxy({ cutBlobs: true, failRanges: true });
    const r = join(dir, "dead-root");
    const pull = await hoistIn(r, ["pull", `${p.host}/clean/img:1`], { env });
    assert.equal(pull.code, 1);
    assert.match(
      pull.stderr,
      /^Error: pulling layer of .*clean\/img:1: fetching blob sha256:[0-9a-f]{64}: unknown: injected fault$/m,
    );
    assert.equal(hoist(r, ["images", "-q"], { env }).stdout, "");
  },
);
