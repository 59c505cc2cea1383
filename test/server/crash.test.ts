// A server killed mid-upload restarts on the same storage: the upload resumes or fails cleanly, nothing is corrupt.
import assert from "node:assert/strict";
import { request } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { digestOf, http, random } from "./helpers.ts";
import { spawnServer } from "./child.ts";
import { corruptBlobs } from "./storage-check.ts";

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), "hoist-crash-test-"));
});
after(() => rm(root, { recursive: true, force: true }));

/** Starts a PATCH (or PUT) that sends `first` bytes, then stalls; resolves once the server has received them. */
function stalledRequest(url: string, method: string, path: string, first: Buffer, total: number): Promise<void> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, method, path, headers: { "Content-Length": String(total) } });
    req.on("error", () => {});
    req.write(first, () => setTimeout(resolve, 300));
  });
}

test("kill -9 during a PATCH: after restart the session reports what it holds and the upload resumes", async () => {
  const data = random(3 << 20);
  const d = digestOf(data);
  let server = await spawnServer(root);
  const loc = (await http(server.url, "POST", "/v2/crash/test/blobs/uploads/")).headers.get("location") as string;
  const first = await http(server.url, "PATCH", loc, {
    headers: { "Content-Range": `0-${(1 << 20) - 1}` },
    body: data.subarray(0, 1 << 20),
  });
  assert.equal(first.status, 202);
  await stalledRequest(server.url, "PATCH", loc, data.subarray(1 << 20, (1 << 20) + 500_000), data.length - (1 << 20));
  server.proc.kill("SIGKILL");
  await server.exited;

  server = await spawnServer(root);
  try {
    const st = await http(server.url, "GET", loc);
    assert.equal(st.status, 204, "the session survived the crash");
    const m = /^0-(\d+)$/.exec(st.headers.get("range") ?? "");
    assert.ok(m);
    const offset = Number(m[1]) + 1;
    assert.ok(offset >= 1 << 20 && offset <= (1 << 20) + 500_000, `offset ${offset}`);
    const rest = await http(server.url, "PATCH", loc, {
      headers: { "Content-Range": `${offset}-${data.length - 1}` },
      body: data.subarray(offset),
    });
    assert.equal(rest.status, 202);
    const put = await http(server.url, "PUT", `${loc}?digest=${d}`);
    assert.equal(put.status, 201, put.text());
    const got = await http(server.url, "GET", `/v2/crash/test/blobs/${d}`);
    assert.equal(digestOf(got.body), d);
  } finally {
    server.proc.kill("SIGTERM");
    await server.exited;
  }
  assert.deepEqual(await corruptBlobs(root), []);
});

test("kill -9 during a monolithic upload: the blob is absent (never half-written) and a retry succeeds", async () => {
  const data = random(2 << 20);
  const d = digestOf(data);
  let server = await spawnServer(root);
  await stalledRequest(
    server.url,
    "POST",
    `/v2/crash/mono/blobs/uploads/?digest=${d}`,
    data.subarray(0, 1 << 20),
    data.length,
  );
  server.proc.kill("SIGKILL");
  await server.exited;
  assert.deepEqual(await corruptBlobs(root), []);
  server = await spawnServer(root);
  try {
    assert.equal((await http(server.url, "HEAD", `/v2/crash/mono/blobs/${d}`)).status, 404);
    const retry = await http(server.url, "POST", `/v2/crash/mono/blobs/uploads/?digest=${d}`, { body: data });
    assert.equal(retry.status, 201);
    assert.equal(digestOf((await http(server.url, "GET", `/v2/crash/mono/blobs/${d}`)).body), d);
  } finally {
    server.proc.kill("SIGTERM");
    await server.exited;
  }
  assert.deepEqual(await corruptBlobs(root), []);
});

test("SIGTERM lets a request in flight finish before the server exits", async () => {
  const server = await spawnServer(root);
  const data = random(1 << 20);
  const d = digestOf(data);
  const u = new URL(server.url);
  const response = new Promise<number>((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method: "POST",
        path: `/v2/graceful/x/blobs/uploads/?digest=${d}`,
        headers: { "Content-Length": String(data.length) },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    // Let the server read the headers and start the upload before it is told to stop.
    req.write(data.subarray(0, 1000), () =>
      setTimeout(() => {
        server.proc.kill("SIGTERM");
        setTimeout(() => req.end(data.subarray(1000)), 300);
      }, 300),
    );
  });
  assert.equal(await response, 201);
  assert.equal(await server.exited, 0);
  assert.match(server.stderr(), /closed/);
  const again = await spawnServer(root);
  try {
    assert.equal((await http(again.url, "HEAD", `/v2/graceful/x/blobs/${d}`)).status, 200);
  } finally {
    again.proc.kill("SIGTERM");
    await again.exited;
  }
});
