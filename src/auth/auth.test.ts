// Credentials as docker and podman keep them: config.json and auth.json, keys, helpers, atomic 0600 writes.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import {
  DOCKER_HUB_KEY,
  credentialKey,
  dockerConfigPath,
  encodeAuth,
  eraseCredentials,
  lookupCredentials,
  readPaths,
  registryOfKey,
  saveCredentials,
} from "./index.ts";

const root = mkdtempSync(join(tmpdir(), "hoist-auth-"));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function fresh(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = join(root, `case-${n++}`);
  mkdirSync(dir, { recursive: true });
  return { dir, env: { HOME: join(dir, "home"), DOCKER_CONFIG: join(dir, "docker"), PATH: process.env.PATH ?? "" } };
}

test("server keys: Docker Hub is https://index.docker.io/v1/, others their host[:port]", () => {
  assert.equal(credentialKey(undefined), DOCKER_HUB_KEY);
  assert.equal(credentialKey("docker.io"), DOCKER_HUB_KEY);
  assert.equal(credentialKey("index.docker.io"), DOCKER_HUB_KEY);
  assert.equal(credentialKey("https://localhost:5000/v2/"), "localhost:5000");
  assert.equal(credentialKey("registry.example.com"), "registry.example.com");
  assert.equal(registryOfKey(DOCKER_HUB_KEY), "docker.io");
  assert.equal(registryOfKey("http://127.0.0.1:5000"), "127.0.0.1:5000");
});

test("config paths: DOCKER_CONFIG, ~/.docker, --authfile and REGISTRY_AUTH_FILE", () => {
  assert.equal(dockerConfigPath({ DOCKER_CONFIG: "/x" }), "/x/config.json");
  assert.equal(dockerConfigPath({ HOME: "/h" }), "/h/.docker/config.json");
  assert.deepEqual(readPaths({ env: { HOME: "/h", REGISTRY_AUTH_FILE: "/a.json" } }), [
    "/a.json",
    "/h/.docker/config.json",
  ]);
  assert.deepEqual(readPaths({ authfile: "/f.json", env: { HOME: "/h", REGISTRY_AUTH_FILE: "/a.json" } }), ["/f.json"]);
});

test("save writes config.json atomically, mode 0600, tab-indented, keeping other fields", async () => {
  const { env } = fresh();
  const path = dockerConfigPath(env);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(
    path,
    JSON.stringify({ auths: { "other:1": { auth: encodeAuth("a", "b") } }, HttpHeaders: { "X-Meta": "1" } }),
  );
  chmodSync(path, 0o644);
  const r = await saveCredentials("localhost:5000", { username: "u", password: "p:w" }, { env });
  assert.equal(r.path, path);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const text = readFileSync(path, "utf8");
  assert.match(text, /^\{\n\t"auths": \{/);
  const doc = JSON.parse(text) as { auths: Record<string, { auth: string }>; HttpHeaders: unknown };
  assert.deepEqual(doc.HttpHeaders, { "X-Meta": "1" });
  assert.equal(doc.auths["localhost:5000"]?.auth, Buffer.from("u:p:w").toString("base64"));
  assert.ok(doc.auths["other:1"]);
  assert.deepEqual(await lookupCredentials("localhost:5000", { env }), { username: "u", password: "p:w" });
});

test("lookup: Docker Hub key, http(s):// keys, identity tokens, podman's per-repository keys, auth file first", async () => {
  const { dir, env } = fresh();
  const path = dockerConfigPath(env);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(
    path,
    JSON.stringify({
      auths: {
        [DOCKER_HUB_KEY]: { auth: encodeAuth("hubuser", "hubpass") },
        "https://reg.example:5000": { auth: encodeAuth("r", "s") },
        "tok.example": { auth: encodeAuth("me", ""), identitytoken: "refresh-1" },
      },
    }),
  );
  assert.deepEqual(await lookupCredentials("docker.io", { env }), { username: "hubuser", password: "hubpass" });
  assert.deepEqual(await lookupCredentials("reg.example:5000", { env }), { username: "r", password: "s" });
  assert.deepEqual(await lookupCredentials("tok.example", { env }), { username: "me", identityToken: "refresh-1" });
  assert.equal(await lookupCredentials("nowhere.example", { env }), undefined);
  const authfile = join(dir, "auth.json");
  writeFileSync(
    authfile,
    JSON.stringify({
      auths: { "docker.io/team/app": { auth: encodeAuth("team", "t") }, "docker.io": { auth: encodeAuth("pod", "p") } },
    }),
  );
  const podEnv = { ...env, REGISTRY_AUTH_FILE: authfile };
  assert.deepEqual(await lookupCredentials("docker.io", { env: podEnv, repository: "team/app" }), {
    username: "team",
    password: "t",
  });
  assert.deepEqual(await lookupCredentials("docker.io", { env: podEnv, repository: "library/x" }), {
    username: "pod",
    password: "p",
  });
  assert.deepEqual(
    await lookupCredentials("reg.example:5000", { env: podEnv }),
    { username: "r", password: "s" },
    "falls back to docker's",
  );
  assert.equal(await lookupCredentials("reg.example:5000", { env: podEnv, authfile }), undefined, "--authfile alone");
});

test("erase removes every key of the registry and says whether there was one", async () => {
  const { env } = fresh();
  await saveCredentials("localhost:5000", { username: "u", password: "p" }, { env });
  const path = dockerConfigPath(env);
  const doc = JSON.parse(readFileSync(path, "utf8")) as { auths: Record<string, unknown> };
  doc.auths["http://localhost:5000"] = { auth: encodeAuth("x", "y") };
  writeFileSync(path, JSON.stringify(doc));
  assert.deepEqual(await eraseCredentials("localhost:5000", { env }), { removed: true, path });
  assert.deepEqual((JSON.parse(readFileSync(path, "utf8")) as { auths: object }).auths, {});
  assert.equal((await eraseCredentials("localhost:5000", { env })).removed, false);
});

test("credential helpers: credsStore and credHelpers run docker-credential-NAME get/store/erase", async () => {
  const { dir, env } = fresh();
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const db = join(dir, "helper-db");
  mkdirSync(db);
  // A tiny helper keeping one file per server URL (the protocol docker's helpers speak).
  const script = `#!/bin/sh
set -e
db="${db}"
read -r line || true
key=$(printf %s "$line" | sed 's|^{"ServerURL":"\\([^"]*\\)".*|\\1|' | tr '/:' '__')
case "$1" in
  store) printf %s "$line" > "$db/$key" ;;
  get) f="$db/$key"; if [ -f "$f" ]; then sed 's/^{"ServerURL":"[^"]*",/{/' "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
  erase) f="$db/$key"; if [ -f "$f" ]; then rm "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
esac
`;
  writeFileSync(join(bin, "docker-credential-fake"), script, { mode: 0o755 });
  const henv = { ...env, PATH: `${bin}:${env.PATH}` };
  const path = dockerConfigPath(henv);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, JSON.stringify({ credsStore: "fake" }));
  const r = await saveCredentials("localhost:5000", { username: "u", password: "secret" }, { env: henv });
  assert.equal(r.helper, "fake");
  const doc = JSON.parse(readFileSync(path, "utf8")) as { auths: Record<string, object>; credsStore: string };
  assert.deepEqual(doc.auths["localhost:5000"], {}, "docker leaves an empty entry");
  assert.ok(!readFileSync(path, "utf8").includes("secret"));
  assert.ok(existsSync(join(db, "localhost_5000")));
  assert.deepEqual(await lookupCredentials("localhost:5000", { env: henv }), { username: "u", password: "secret" });
  assert.equal(await lookupCredentials("other:1", { env: henv }), undefined);
  assert.equal((await eraseCredentials("localhost:5000", { env: henv })).removed, true);
  assert.ok(!existsSync(join(db, "localhost_5000")));
  assert.equal(await lookupCredentials("localhost:5000", { env: henv }), undefined);
});
