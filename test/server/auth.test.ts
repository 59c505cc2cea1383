// Authentication and access rules: htpasswd (Basic) and the built-in bearer token service.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { bcryptHash } from "../../src/server/index.ts";
import { keyFromPem, signJwt } from "../../src/server/auth/index.ts";
import { digestOf, http, makeImage, pushManifest, startRegistry } from "./helpers.ts";
import type { TestRegistry } from "./helpers.ts";

let dir: string;
let htpasswd: string;
let keyFile: string;
const salt = Buffer.alloc(16, 7);

function basic(user: string, password: string): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}

const access = [
  { repository: "public/*", pull: ["*"], push: ["alice"] },
  { repository: "team/*", pull: ["+"], push: ["alice", "bob"] },
  { repository: "secret/*", pull: ["alice"], push: ["alice"] },
  { repository: "bob/*", pull: ["bob"], push: ["bob"] },
];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "hoist-auth-test-"));
  htpasswd = join(dir, "htpasswd");
  // alice's entry comes from libxcrypt ($2y$, cost 5); bob's from our own bcrypt.
  await writeFile(
    htpasswd,
    `# users\nalice:$2y$05$0123456789abcdefghijkeZo1H/uAUSvvKVBDgCQ.1tRVkuBeg3q2\nbob:${bcryptHash("bobpw", salt, 4)}\n`,
  );
  keyFile = join(dir, "key.pem");
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  await writeFile(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }) as string);
});
after(() => rm(dir, { recursive: true, force: true }));

function code(body: Buffer): string | undefined {
  return (JSON.parse(body.toString()) as { errors: { code: string }[] }).errors[0]?.code;
}

describe("htpasswd", () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry({ auth: { type: "htpasswd", htpasswd, realm: "test-realm", access } });
  });
  after(() => reg.close());

  test("GET /v2/ needs valid credentials: 401 with a Basic challenge, then 200", async () => {
    const r = await http(reg.url, "GET", "/v2/");
    assert.equal(r.status, 401);
    assert.equal(r.headers.get("www-authenticate"), 'Basic realm="test-realm"');
    assert.equal(code(r.body), "UNAUTHORIZED");
    assert.equal((await http(reg.url, "GET", "/v2/", { headers: basic("alice", "wrong") })).status, 401);
    assert.equal((await http(reg.url, "GET", "/v2/", { headers: basic("nobody", "x") })).status, 401);
    assert.equal((await http(reg.url, "GET", "/v2/", { headers: basic("alice", "hoist-secret") })).status, 200);
    assert.equal((await http(reg.url, "GET", "/v2/", { headers: basic("bob", "bobpw") })).status, 200);
  });

  test("rules: anonymous pulls public, only alice pushes there; 401 for anonymous, 403 DENIED for bob", async () => {
    const alice = basic("alice", "hoist-secret");
    const img = await makeImage(reg.url, "public/app", { headers: alice });
    assert.equal((await pushManifest(reg.url, "public/app", "latest", img.manifest, undefined, alice)).status, 201);
    assert.equal((await http(reg.url, "GET", "/v2/public/app/manifests/latest")).status, 200);
    const anonPush = await http(reg.url, "POST", "/v2/public/app/blobs/uploads/");
    assert.equal(anonPush.status, 401);
    assert.match(anonPush.headers.get("www-authenticate") ?? "", /^Basic /);
    const bobPush = await http(reg.url, "POST", "/v2/public/app/blobs/uploads/", { headers: basic("bob", "bobpw") });
    assert.equal(bobPush.status, 403);
    assert.equal(code(bobPush.body), "DENIED");
    assert.equal(
      (await http(reg.url, "DELETE", `/v2/public/app/manifests/latest`, { headers: basic("bob", "bobpw") })).status,
      403,
    );
    assert.equal((await http(reg.url, "GET", "/v2/team/x/tags/list")).status, 401, "team needs a signed-in user");
    assert.equal((await http(reg.url, "GET", "/v2/team/x/tags/list", { headers: basic("bob", "bobpw") })).status, 404);
    assert.equal(
      (await http(reg.url, "GET", "/v2/unlisted/x/tags/list", { headers: basic("bob", "bobpw") })).status,
      404,
      "no rule: signed-in users may",
    );
    assert.equal((await http(reg.url, "GET", "/v2/unlisted/x/tags/list")).status, 401, "no rule: anonymous may not");
  });

  test("a mount from a repository the user cannot pull is refused (202, an ordinary upload)", async () => {
    const alice = basic("alice", "hoist-secret");
    const bob = basic("bob", "bobpw");
    const img = await makeImage(reg.url, "secret/vault", { headers: alice });
    const layer = img.layers[0] as string;
    assert.equal((await http(reg.url, "GET", `/v2/secret/vault/blobs/${layer}`, { headers: bob })).status, 403);
    const m = await http(reg.url, "POST", `/v2/bob/mine/blobs/uploads/?mount=${layer}&from=secret/vault`, {
      headers: bob,
    });
    assert.equal(m.status, 202);
    const anon = await http(reg.url, "POST", `/v2/bob/mine/blobs/uploads/?mount=${layer}`, { headers: bob });
    assert.equal(anon.status, 202, "no anonymous mount when rules restrict reads");
    assert.equal((await http(reg.url, "HEAD", `/v2/bob/mine/blobs/${layer}`, { headers: bob })).status, 404);
    const ok = await http(reg.url, "POST", `/v2/secret/copy/blobs/uploads/?mount=${layer}&from=secret/vault`, {
      headers: alice,
    });
    assert.equal(ok.status, 201);
  });

  test("catalog and search only show what the caller may pull", async () => {
    const anon = (await http(reg.url, "GET", "/v2/_catalog")).json() as { repositories: string[] };
    assert.deepEqual(anon.repositories, ["public/app"]);
    const alice = (await http(reg.url, "GET", "/v2/_catalog", { headers: basic("alice", "hoist-secret") })).json() as {
      repositories: string[];
    };
    assert.ok(alice.repositories.includes("public/app"));
    const s = (await http(reg.url, "GET", "/v1/search?q=app")).json() as { results: { name: string }[] };
    assert.deepEqual(
      s.results.map((r) => r.name),
      ["public/app"],
    );
    assert.equal((await http(reg.url, "GET", "/v2/_catalog", { headers: basic("alice", "bad") })).status, 401);
  });
});

interface Claims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  access: { type: string; name: string; actions: string[] }[];
}

function claimsOf(token: string): Claims {
  return JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString()) as Claims;
}

describe("token", () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry({
      auth: {
        type: "token",
        htpasswd,
        token: { key: keyFile, service: "test-svc", issuer: "test-iss", expiry: "5m" },
        access,
      },
    });
  });
  after(() => reg.close());

  async function token(scopes: string[], creds?: Record<string, string>): Promise<string> {
    const q = new URLSearchParams({ service: "test-svc" });
    for (const s of scopes) q.append("scope", s);
    const r = await http(reg.url, "GET", `/token?${q}`, { headers: creds ?? {} });
    assert.equal(r.status, 200, r.text());
    const body = r.json() as { token: string; access_token: string; expires_in: number; issued_at: string };
    assert.equal(body.token, body.access_token);
    assert.equal(body.expires_in, 300);
    return body.token;
  }

  test("401 challenges name the realm, service and scope", async () => {
    const base = await http(reg.url, "GET", "/v2/");
    assert.equal(base.status, 401);
    assert.equal(base.headers.get("www-authenticate"), `Bearer realm="${reg.url}/token",service="test-svc"`);
    const pull = await http(reg.url, "GET", "/v2/public/app/tags/list");
    assert.equal(
      pull.headers.get("www-authenticate"),
      `Bearer realm="${reg.url}/token",service="test-svc",scope="repository:public/app:pull"`,
    );
    const push = await http(reg.url, "POST", "/v2/public/app/blobs/uploads/");
    assert.match(push.headers.get("www-authenticate") ?? "", /scope="repository:public\/app:pull,push"/);
  });

  test("the token service grants what the rules allow, for users and anonymous callers", async () => {
    const alice = basic("alice", "hoist-secret");
    const t = await token(["repository:public/app:pull,push", "repository:secret/x:pull"], alice);
    const c = claimsOf(t);
    assert.equal(c.iss, "test-iss");
    assert.equal(c.aud, "test-svc");
    assert.equal(c.sub, "alice");
    assert.deepEqual(c.access, [
      { type: "repository", name: "public/app", actions: ["pull", "push"] },
      { type: "repository", name: "secret/x", actions: ["pull"] },
    ]);
    const anon = claimsOf(await token(["repository:public/app:pull,push", "repository:secret/x:pull"]));
    assert.deepEqual(anon.access, [{ type: "repository", name: "public/app", actions: ["pull"] }]);
    const bad = await http(reg.url, "GET", "/token?service=test-svc&scope=repository:public/app:pull", {
      headers: basic("alice", "nope"),
    });
    assert.equal(bad.status, 401);
    assert.equal((await http(reg.url, "GET", "/token?service=other")).status, 400);
  });

  test("push and pull with tokens; /v2/ accepts any valid token", async () => {
    const alice = basic("alice", "hoist-secret");
    const t = await token(["repository:public/app:pull,push"], alice);
    const auth = { Authorization: `Bearer ${t}` };
    assert.equal((await http(reg.url, "GET", "/v2/", { headers: auth })).status, 200);
    const img = await makeImage(reg.url, "public/app", { headers: auth });
    assert.equal((await pushManifest(reg.url, "public/app", "v1", img.manifest, undefined, auth)).status, 201);
    const anon = await token(["repository:public/app:pull"]);
    const got = await http(reg.url, "GET", "/v2/public/app/manifests/v1", {
      headers: { Authorization: `Bearer ${anon}` },
    });
    assert.equal(got.status, 200);
    assert.equal(got.headers.get("docker-content-digest"), img.digest);
  });

  test("insufficient scope: 401 with error=insufficient_scope when the rules would allow, 403 DENIED when not", async () => {
    const alice = basic("alice", "hoist-secret");
    const pullOnly = await token(["repository:public/app:pull"], alice);
    const r = await http(reg.url, "POST", "/v2/public/app/blobs/uploads/", {
      headers: { Authorization: `Bearer ${pullOnly}` },
    });
    assert.equal(r.status, 401);
    assert.match(r.headers.get("www-authenticate") ?? "", /error="insufficient_scope"/);
    const bob = await token(["repository:public/app:pull,push"], basic("bob", "bobpw"));
    const denied = await http(reg.url, "POST", "/v2/public/app/blobs/uploads/", {
      headers: { Authorization: `Bearer ${bob}` },
    });
    assert.equal(denied.status, 403);
    assert.equal(code(denied.body), "DENIED");
  });

  test("bad tokens: expired, foreign key, wrong audience, alg none, garbage → 401 invalid_token", async () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const foreign = keyFromPem(privateKey.export({ type: "pkcs8", format: "pem" }) as string);
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: "test-iss",
      sub: "alice",
      aud: "test-svc",
      exp: now + 60,
      access: [{ type: "repository", name: "public/app", actions: ["pull"] }],
    };
    const real = await token(["repository:public/app:pull"], basic("alice", "hoist-secret"));
    const [h, , s] = real.split(".");
    const forge = (c: object): string => `${h}.${Buffer.from(JSON.stringify(c)).toString("base64url")}.${s}`;
    const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`;
    for (const bad of [
      signJwt(foreign, claims),
      forge({ ...claims, exp: now - 3600 }),
      forge({ ...claims, aud: "other" }),
      none,
      "garbage",
    ]) {
      const r = await http(reg.url, "GET", "/v2/public/app/tags/list", { headers: { Authorization: `Bearer ${bad}` } });
      assert.equal(r.status, 401);
      assert.match(r.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
    }
  });

  test("a mount needs pull on the source in the token; otherwise an ordinary upload (202)", async () => {
    const alice = basic("alice", "hoist-secret");
    const both = await token(["repository:secret/src:pull,push", "repository:public/dst:pull,push"], alice);
    const img = await makeImage(reg.url, "secret/src", { headers: { Authorization: `Bearer ${both}` } });
    const layer = img.layers[0] as string;
    const destOnly = await token(["repository:public/dst:pull,push"], alice);
    const r = await http(reg.url, "POST", `/v2/public/dst/blobs/uploads/?mount=${layer}&from=secret/src`, {
      headers: { Authorization: `Bearer ${destOnly}` },
    });
    assert.equal(r.status, 202);
    const ok = await http(reg.url, "POST", `/v2/public/dst/blobs/uploads/?mount=${layer}&from=secret/src`, {
      headers: { Authorization: `Bearer ${both}` },
    });
    assert.equal(ok.status, 201);
  });

  test("the OAuth2 password grant by POST", async () => {
    const body = new URLSearchParams({
      grant_type: "password",
      username: "alice",
      password: "hoist-secret",
      service: "test-svc",
      scope: "repository:public/app:pull",
      client_id: "test",
    });
    const r = await http(reg.url, "POST", "/token", {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
    });
    assert.equal(r.status, 200);
    const c = claimsOf((r.json() as { access_token: string }).access_token);
    assert.deepEqual(c.access[0]?.actions, ["pull"]);
    const wrong = new URLSearchParams({ grant_type: "password", username: "alice", password: "x" });
    assert.equal((await http(reg.url, "POST", "/token", { body: wrong.toString() })).status, 401);
  });
});

describe("token with an HS256 secret", () => {
  test("tokens signed with the secret are accepted", async () => {
    const reg = await startRegistry({ auth: { type: "token", htpasswd, token: { secret: "s3cret", service: "svc" } } });
    try {
      const r = await http(reg.url, "GET", "/token?service=svc&scope=repository:a/b:pull", {
        headers: basic("bob", "bobpw"),
      });
      const t = (r.json() as { token: string }).token;
      assert.equal(JSON.parse(Buffer.from(t.split(".")[0] as string, "base64url").toString()).alg, "HS256");
      const got = await http(reg.url, "GET", "/v2/a/b/tags/list", { headers: { Authorization: `Bearer ${t}` } });
      assert.equal(got.status, 404);
      assert.equal(digestOf("x").length, 71);
    } finally {
      await reg.close();
    }
  });
});
