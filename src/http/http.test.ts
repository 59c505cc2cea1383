// The fetch pipeline against small local servers: retries, redirects (no Authorization to another host),
// Basic and Bearer challenges with a token cache per scope, refresh tokens, and TLS with certs.d CAs.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { isHoistError } from "../errors.ts";
import { Authenticator, authenticate } from "./auth.ts";
import { readBody } from "./body.ts";
import { parseChallenges } from "./challenge.ts";
import { pipeline } from "./pipeline.ts";
import { redirect } from "./redirect.ts";
import { retry } from "./retry.ts";
import { nodeTransport } from "./transport.ts";
import type { Fetch, HttpRequest } from "./types.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];

async function serve(handler: Handler): Promise<{ url: string; host: string }> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` };
}

after(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

const transport = nodeTransport({ tls: { certDirs: [] } });
const get = (url: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  method: "GET",
  url: new URL(url),
  headers: {},
  ...extra,
});

test("parseChallenges reads Bearer and Basic challenges with quoted parameters", () => {
  const c = parseChallenges(
    'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push", Basic realm="x\\"y"',
  );
  assert.equal(c.length, 2);
  assert.deepEqual(c[0], {
    scheme: "bearer",
    params: { realm: "https://auth.example/token", service: "registry.example", scope: "repository:a/b:pull,push" },
  });
  assert.deepEqual(c[1], { scheme: "basic", params: { realm: 'x"y' } });
  assert.deepEqual(parseChallenges(undefined), []);
});

test("retry: 500 and 429 (with Retry-After) are retried; a dropped connection too", async () => {
  let n = 0;
  const s = await serve((req, res) => {
    n++;
    if (n === 1) return res.writeHead(500).end("boom");
    if (n === 2) return res.writeHead(429, { "retry-after": "0" }).end();
    if (n === 3) return req.socket.destroy();
    res.writeHead(200).end("ok");
  });
  const f = pipeline(transport, retry({ baseMs: 1 }));
  const res = await f(get(`${s.url}/x`));
  assert.equal(res.status, 200);
  assert.equal((await readBody(res)).toString(), "ok");
  assert.equal(n, 4);
});

test("retry: gives up after its attempts and returns the last answer", async () => {
  let n = 0;
  const s = await serve((_req, res) => {
    n++;
    res.writeHead(503).end();
  });
  const res = await pipeline(transport, retry({ baseMs: 1, attempts: 3 }))(get(`${s.url}/x`));
  assert.equal(res.status, 503);
  assert.equal(n, 3);
});

test("redirect: followed, and Authorization is not sent to another host", async () => {
  const seen: (string | undefined)[] = [];
  const storage = await serve((req, res) => {
    seen.push(req.headers.authorization);
    res.writeHead(200).end("blob");
  });
  const registry = await serve((req, res) => {
    seen.push(req.headers.authorization);
    res.writeHead(307, { location: `${storage.url}/bucket/blob?sig=1` }).end();
  });
  const f = pipeline(transport, redirect());
  const res = await f(get(`${registry.url}/v2/a/blobs/sha256:x`, { headers: { authorization: "Bearer secret" } }));
  assert.equal((await readBody(res)).toString(), "blob");
  assert.deepEqual(seen, ["Bearer secret", undefined]);
});

/** A registry that wants a Bearer token from its realm; the token server counts its calls. */
async function tokenRegistry() {
  const calls: { method: string; url: string; auth?: string; body: string }[] = [];
  const tokens = new Map<string, string>();
  let counter = 0;
  const auth = await serve((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d));
    req.on("end", () => {
      calls.push({
        method: req.method ?? "",
        url: req.url ?? "",
        ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
        body,
      });
      const url = new URL(req.url ?? "/", "http://x");
      const form = new URLSearchParams(body);
      const scope = req.method === "POST" ? (form.get("scope") ?? "") : url.searchParams.getAll("scope").join(" ");
      const basicOk = req.headers.authorization === `Basic ${Buffer.from("u:p").toString("base64")}`;
      const refreshOk =
        req.method === "POST" && form.get("grant_type") === "refresh_token" && form.get("refresh_token") === "R1";
      if (!basicOk && !refreshOk)
        return res
          .writeHead(401, { "content-type": "application/json" })
          .end('{"details":"incorrect username or password"}');
      const token = `t${++counter}`;
      tokens.set(token, scope);
      const refresh = url.searchParams.get("offline_token") === "true" ? { refresh_token: "R1" } : {};
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ token, expires_in: 300, ...refresh }));
    });
  });
  const reg = await serve((req, res) => {
    const repo = /^\/v2\/(.+)\/manifests\//.exec(req.url ?? "")?.[1];
    const need = repo ? `repository:${repo}:pull` : "";
    const got = req.headers.authorization?.replace(/^Bearer /, "");
    const scope = got ? tokens.get(got) : undefined;
    if (scope === undefined || (need && !scope.split(" ").includes(need))) {
      res.writeHead(401, {
        "www-authenticate": `Bearer realm="${auth.url}/token",service="fake"${need ? `,scope="${need}"` : ""}`,
        "content-type": "application/json",
      });
      return res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    }
    res.writeHead(200).end("ok");
  });
  return { reg, auth, calls };
}

function authedFetch(
  host: string,
  creds: { username?: string; password?: string; identityToken?: string },
  offline = false,
) {
  const plain = pipeline(transport, retry({ baseMs: 1 }));
  const a = new Authenticator({
    host,
    credentials: async () => creds,
    tokenFetch: plain,
    ...(offline ? { offline: true } : {}),
  });
  const f: Fetch = pipeline(transport, redirect(), authenticate(a), retry({ baseMs: 1 }));
  return { a, f };
}

test("bearer: a 401 challenge is answered with a token for its scope, cached per scope set", async () => {
  const { reg, calls } = await tokenRegistry();
  const { f } = authedFetch(reg.host, { username: "u", password: "p" });
  for (let i = 0; i < 3; i++) {
    const res = await f(get(`${reg.url}/v2/lib/a/manifests/1`, { scopes: ["repository:lib/a:pull"] }));
    assert.equal(res.status, 200);
    await readBody(res);
  }
  assert.equal(calls.length, 1, "one token for three requests of the same scope");
  assert.match(calls[0]?.url ?? "", /service=fake/);
  assert.match(decodeURIComponent(calls[0]?.url ?? ""), /scope=repository:lib\/a:pull/);
  assert.equal(calls[0]?.auth, `Basic ${Buffer.from("u:p").toString("base64")}`);
  const other = await f(get(`${reg.url}/v2/lib/b/manifests/1`, { scopes: ["repository:lib/b:pull"] }));
  assert.equal(other.status, 200);
  await readBody(other);
  assert.equal(calls.length, 2, "another scope, another token");
});

test("bearer: login asks for an offline token; the refresh token is then traded by OAuth2 POST", async () => {
  const { reg, calls } = await tokenRegistry();
  const login = authedFetch(reg.host, { username: "u", password: "p" }, true);
  const res = await login.f(get(`${reg.url}/v2/`));
  assert.equal(res.status, 200);
  await readBody(res);
  assert.equal(login.a.refreshToken, "R1");
  assert.match(calls[0]?.url ?? "", /offline_token=true/);
  const later = authedFetch(reg.host, { identityToken: "R1" });
  const r2 = await later.f(get(`${reg.url}/v2/lib/a/manifests/1`, { scopes: ["repository:lib/a:pull"] }));
  assert.equal(r2.status, 200);
  await readBody(r2);
  const post = calls.at(-1);
  assert.equal(post?.method, "POST");
  assert.match(post?.body ?? "", /grant_type=refresh_token/);
  assert.match(post?.body ?? "", /refresh_token=R1/);
});

test("bearer: wrong credentials fail as UNAUTHORIZED with the token server's message", async () => {
  const { reg } = await tokenRegistry();
  const { f } = authedFetch(reg.host, { username: "u", password: "wrong" });
  await assert.rejects(
    f(get(`${reg.url}/v2/lib/a/manifests/1`)),
    (e) => isHoistError(e, "UNAUTHORIZED") && /incorrect username or password/.test(e.message),
  );
});

test("basic: credentials are sent after a Basic challenge, and not to other hosts", async () => {
  const seen: (string | undefined)[] = [];
  const s = await serve((req, res) => {
    seen.push(req.headers.authorization);
    if (req.headers.authorization !== `Basic ${Buffer.from("u:p").toString("base64")}`)
      return res.writeHead(401, { "www-authenticate": 'Basic realm="r"' }).end();
    res.writeHead(200).end("in");
  });
  const other = await serve((req, res) => {
    seen.push(req.headers.authorization);
    res.writeHead(200).end();
  });
  const { f } = authedFetch(s.host, { username: "u", password: "p" });
  const r = await f(get(`${s.url}/v2/`));
  assert.equal(r.status, 200);
  await readBody(r);
  const r2 = await f(get(`${s.url}/v2/x`));
  await readBody(r2);
  const r3 = await f(get(`${other.url}/elsewhere`));
  await readBody(r3);
  assert.equal(seen[0], undefined);
  assert.match(seen[1] ?? "", /^Basic /);
  assert.match(seen[2] ?? "", /^Basic /, "sent up front once the challenge is known");
  assert.equal(seen[3], undefined, "never to another host");
});

test("tls: a certs.d CA makes a self-signed registry trusted; without it the connection fails", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "hoist-tls-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=hoist-test-ca",
        "-keyout",
        join(dir, "ca.key"),
        "-out",
        join(dir, "ca.crt"),
      ],
      { stdio: "ignore" },
    );
    writeFileSync(join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1\n");
    execFileSync(
      "openssl",
      [
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        join(dir, "srv.key"),
        "-out",
        join(dir, "srv.csr"),
      ],
      { stdio: "ignore" },
    );
    execFileSync(
      "openssl",
      [
        "x509",
        "-req",
        "-in",
        join(dir, "srv.csr"),
        "-CA",
        join(dir, "ca.crt"),
        "-CAkey",
        join(dir, "ca.key"),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        join(dir, "ext.cnf"),
        "-out",
        join(dir, "srv.crt"),
      ],
      { stdio: "ignore" },
    );
  } catch {
    t.skip("openssl is not installed");
    return;
  }
  const s = createHttpsServer(
    { key: readFileSync(join(dir, "srv.key")), cert: readFileSync(join(dir, "srv.crt")) },
    (_req, res) => res.writeHead(200).end("tls"),
  );
  servers.push(s as unknown as Server);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const host = `127.0.0.1:${(s.address() as { port: number }).port}`;
  const certs = join(dir, "certs.d");
  await assert.rejects(
    nodeTransport({ tls: { certDirs: [certs] } })(get(`https://${host}/v2/`)),
    /self-signed|unable to verify|certificate/i,
  );
  mkdirSync(join(certs, host), { recursive: true });
  writeFileSync(join(certs, host, "ca.crt"), readFileSync(join(dir, "ca.crt")));
  const res = await nodeTransport({ tls: { certDirs: [certs] } })(get(`https://${host}/v2/`));
  assert.equal((await readBody(res)).toString(), "tls");
  const skipped = await nodeTransport({ tls: { certDirs: [], skipVerify: () => true } })(get(`https://${host}/v2/`));
  assert.equal(skipped.status, 200, "skip-verify (insecure registry) connects too");
  await readBody(skipped);
});
