// Docker Hub's ways, against a local fake (Docker Hub is never contacted): the https://index.docker.io/v1/ key,
// Bearer tokens from a realm (anonymous, Basic, and OAuth2 refresh tokens kept as identity tokens), scopes for
// cross-repository mounts, and the search API. HOIST_DOCKER_HUB_URL points docker.io at the fake.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { busyboxTar, have, hoist, removeDir, tempDir } from "./helpers.ts";
import { hoistIn, registryTestEnv, startDistribution, type Distribution } from "./registry-client-helpers.ts";

const peers = have("docker-registry");
const skip = peers ? false : "docker-registry is needed (scripts/setup installs it)";
const USER = "hubuser";
const PASS = "hubpass";
const REFRESH = "refresh-token-1";
const PUBLIC = new Set(["library/busybox"]);

interface TokenCall {
  method: string;
  scopes: string[];
  grant?: string;
  basic: boolean;
  offline: boolean;
  n?: string;
}

let dir = "";
let backend: Distribution;
let hub: Server;
let hubUrl = "";
let env: NodeJS.ProcessEnv = {};
const tokenCalls: TokenCall[] = [];
const searches: URLSearchParams[] = [];
const tokens = new Map<string, Map<string, Set<string>>>();

function grant(scopes: string[], user: boolean): Map<string, Set<string>> {
  const access = new Map<string, Set<string>>();
  for (const s of scopes) {
    const [type, name = "", actions = ""] = s.split(":");
    if (type !== "repository") continue;
    const ok = new Set<string>();
    for (const a of actions.split(",")) {
      if (a === "pull" && (PUBLIC.has(name) || (user && name.startsWith(`${USER}/`)))) ok.add("pull");
      if (a === "push" && user && name.startsWith(`${USER}/`)) ok.add("push");
    }
    access.set(name, ok);
  }
  return access;
}

const searchResults = [
  { name: "busybox", description: "Busybox base image.", star_count: 3200, is_official: true, is_automated: false },
  {
    name: "someone/busybox-tools",
    description: "Busybox with extra tools, built nightly from the main branch of the project.",
    star_count: 12,
    is_official: false,
    is_automated: false,
  },
  { name: "other/busyish", description: "Line one\nline two", star_count: 0, is_official: false, is_automated: true },
];

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", hubUrl);
  if (url.pathname === "/token") {
    let body = "";
    req.on("data", (d: Buffer) => (body += d));
    req.on("end", () => {
      const form = new URLSearchParams(body);
      const post = req.method === "POST";
      const scopes = post ? (form.get("scope") ?? "").split(" ").filter(Boolean) : url.searchParams.getAll("scope");
      const basic = req.headers.authorization === `Basic ${Buffer.from(`${USER}:${PASS}`).toString("base64")}`;
      const offline = url.searchParams.get("offline_token") === "true";
      tokenCalls.push({
        method: req.method ?? "",
        scopes,
        basic,
        offline,
        ...(post ? { grant: form.get("grant_type") ?? "" } : {}),
      });
      let user = false;
      if (post) {
        if (form.get("grant_type") !== "refresh_token" || form.get("refresh_token") !== REFRESH)
          return json(res, 401, { details: "invalid refresh token" });
        user = true;
      } else if (req.headers.authorization) {
        if (!basic) return json(res, 401, { details: "incorrect username or password" });
        user = true;
      }
      const token = randomBytes(8).toString("hex");
      tokens.set(token, grant(scopes, user));
      json(res, 200, {
        token,
        access_token: token,
        expires_in: 300,
        issued_at: new Date().toISOString(),
        ...(offline && user ? { refresh_token: REFRESH } : {}),
      });
    });
    return;
  }
  if (url.pathname === "/v1/search") {
    searches.push(url.searchParams);
    const q = url.searchParams.get("q") ?? "";
    const n = Number(url.searchParams.get("n") ?? 25);
    const results = searchResults.filter((r) => r.name.includes(q)).slice(0, n);
    return json(res, 200, { num_results: results.length, query: q, page_size: n, results });
  }
  const challenge = (scope?: string): void =>
    json(
      res,
      401,
      { errors: [{ code: "UNAUTHORIZED", message: "authentication required", detail: null }] },
      {
        "www-authenticate": `Bearer realm="${hubUrl}/token",service="registry.docker.io"${scope ? `,scope="${scope}"` : ""}`,
      },
    );
  const token = req.headers.authorization?.startsWith("Bearer ")
    ? tokens.get(req.headers.authorization.slice(7))
    : undefined;
  if (url.pathname === "/v2/") return token ? json(res, 200, {}) : challenge();
  const name = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(url.pathname)?.[1];
  if (!name) return json(res, 404, { errors: [{ code: "NOT_FOUND", message: "not here" }] });
  const action = req.method === "GET" || req.method === "HEAD" ? "pull" : "push";
  const from = url.searchParams.get("from");
  const allowed = token?.get(name)?.has(action) && (!from || token.get(from)?.has("pull"));
  if (!allowed) return challenge(`repository:${name}:${action === "pull" ? "pull" : "pull,push"}`);
  const up = request(
    {
      host: "127.0.0.1",
      port: Number(backend.host.split(":")[1]),
      method: req.method,
      path: req.url,
      headers: { ...req.headers, authorization: "" },
    },
    (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    },
  );
  up.on("error", () => res.destroy());
  req.pipe(up);
}

before(async () => {
  if (!peers) return;
  dir = tempDir("hoist-registry-hub-");
  backend = await startDistribution(join(dir, "backend"));
  hub = createServer(handle);
  await new Promise<void>((r) => hub.listen(0, "127.0.0.1", r));
  hubUrl = `http://127.0.0.1:${(hub.address() as { port: number }).port}`;
  env = registryTestEnv(dir, hubUrl);
  // Docker Hub's library/busybox, put straight into the backend.
  const seed = join(dir, "seed");
  assert.equal(hoist(seed, ["import", busyboxTar(), `${backend.host}/library/busybox:latest`], { env }).code, 0);
  assert.equal(hoist(seed, ["push", "-q", `${backend.host}/library/busybox:latest`], { env }).code, 0);
});
after(async () => {
  if (!peers) return;
  hub.closeAllConnections();
  hub.close();
  await backend.stop();
  removeDir(dir);
});

const config = (): { auths: Record<string, Record<string, string>> } =>
  JSON.parse(readFileSync(join(dir, "docker", "config.json"), "utf8"));

test(
  "login without a server is Docker Hub: wrong password refused; the refresh token is kept, not the password",
  { skip, timeout: 60_000 },
  async () => {
    const root = join(dir, "h-login");
    const bad = await hoistIn(root, ["login", "-u", USER, "--password-stdin"], { env, input: "nope\n" });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^Error: unauthorized: incorrect username or password$/m);
    assert.ok(!existsSync(join(dir, "docker", "config.json")));
    const r = await hoistIn(root, ["login", "-u", USER, "--password-stdin"], { env, input: `${PASS}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "Login Succeeded\n");
    const login = tokenCalls.at(-1);
    assert.ok(login?.basic && login.offline, "login asks for an offline token with Basic credentials");
    assert.deepEqual(config(), {
      auths: {
        "https://index.docker.io/v1/": { auth: Buffer.from(`${USER}:`).toString("base64"), identitytoken: REFRESH },
      },
    });
    assert.ok(!readFileSync(join(dir, "docker", "config.json"), "utf8").includes(PASS));
  },
);

test(
  "pull busybox: docker's output, a token for the repository's scope traded from the identity token",
  { skip, timeout: 60_000 },
  async () => {
    const root = join(dir, "h-pull");
    const calls = tokenCalls.length;
    const r = await hoistIn(root, ["pull", "busybox"], { env });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines[0], "Using default tag: latest");
    assert.equal(lines[1], "latest: Pulling from library/busybox");
    assert.match(r.stdout, /^Status: Downloaded newer image for busybox:latest$/m);
    assert.equal(lines.at(-1), "docker.io/library/busybox:latest");
    const used = tokenCalls.slice(calls);
    assert.ok(
      used.some(
        (c) =>
          c.method === "POST" && c.grant === "refresh_token" && c.scopes.includes("repository:library/busybox:pull"),
      ),
      JSON.stringify(used),
    );
    assert.equal(used.length, 1, "one token serves every request of the pull");
    assert.match(hoist(root, ["images", "--format", "{{.Repository}}:{{.Tag}}"], { env }).stdout, /^busybox:latest$/m);
    // A push to the user's namespace mounts the layer from library/busybox (a token with both scopes).
    hoist(root, ["tag", "busybox", `${USER}/app:1`], { env });
    const push = await hoistIn(root, ["push", `${USER}/app:1`], { env });
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, new RegExp(`^The push refers to repository \\[docker.io/${USER}/app\\]$`, "m"));
    assert.match(push.stdout, /: Mounted from library\/busybox$/m);
  },
);

test(
  "logged out: anonymous tokens pull public images; a missing repository is 'pull access denied'",
  { skip, timeout: 60_000 },
  async () => {
    const root = join(dir, "h-anon");
    const out = await hoistIn(root, ["logout"], { env });
    assert.equal(out.stdout, "Removing login credentials for https://index.docker.io/v1/\n");
    assert.deepEqual(config().auths, {});
    const calls = tokenCalls.length;
    const r = await hoistIn(root, ["pull", "-q", "busybox:latest"], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "docker.io/library/busybox:latest\n");
    assert.ok(tokenCalls.slice(calls).every((c) => c.method === "GET" && !c.basic));
    const missing = await hoistIn(root, ["pull", "nosuch/thing"], { env });
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /^Error: pull access denied for nosuch\/thing, repository does not exist or may require 'hoist login': unauthorized: authentication required$/m,
    );
  },
);

test(
  "search uses Docker Hub's search API: table, truncation, filters, --limit, --no-trunc, --format",
  { skip, timeout: 60_000 },
  async () => {
    const root = join(dir, "h-search");
    const r = await hoistIn(root, ["search", "busy"], { env });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n");
    assert.match(lines[0] ?? "", /^NAME\s+DESCRIPTION\s+STARS\s+OFFICIAL$/);
    assert.match(r.stdout, /^busybox\s+Busybox base image\.\s+3200\s+\[OK\]$/m);
    assert.match(r.stdout, /^someone\/busybox-tools\s+Busybox with extra tools, built nightly from…\s+12\s*$/m);
    assert.match(r.stdout, /^other\/busyish\s+Line one line two\s+0\s*$/m);
    assert.equal(searches.at(-1)?.get("q"), "busy");
    assert.equal(searches.at(-1)?.get("n"), "25");
    const official = await hoistIn(root, ["search", "--filter", "is-official=true", "--format", "{{.Name}}", "busy"], {
      env,
    });
    assert.equal(official.stdout, "busybox\n");
    const stars = await hoistIn(root, ["search", "-f", "stars=10", "--format", "{{.Name}}: {{.StarCount}}", "busy"], {
      env,
    });
    assert.equal(stars.stdout, "busybox: 3200\nsomeone/busybox-tools: 12\n");
    const limited = await hoistIn(root, ["search", "--limit", "1", "--format", "{{.Name}}", "busy"], { env });
    assert.equal(limited.stdout, "busybox\n");
    assert.equal(searches.at(-1)?.get("n"), "1");
    const full = await hoistIn(root, ["search", "--no-trunc", "--format", "{{.Description}}", "busybox-tools"], {
      env,
    });
    assert.equal(full.stdout, `${searchResults[1]?.description}\n`);
    const badFilter = await hoistIn(root, ["search", "-f", "color=red", "busy"], { env });
    assert.equal(badFilter.code, 1);
    assert.match(badFilter.stderr, /invalid filter 'color'/);
  },
);
