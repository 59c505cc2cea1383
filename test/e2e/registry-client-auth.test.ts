// login, logout, push and pull against CNCF Distribution with htpasswd (Basic) auth; config.json as docker keeps it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { busyboxTar, have, hoist, tempDir, type RunResult } from "./helpers.ts";
import {
  TEST_PASSWORD,
  TEST_USER,
  podman,
  registryTestEnv,
  removePeers,
  skopeo,
  startDistribution,
  type Distribution,
} from "./registry-client-helpers.ts";

const peers = have("docker-registry") && have("skopeo") && have("podman");
const skip = peers ? false : "docker-registry, skopeo and podman are needed (scripts/setup installs them)";
let dir = "";
let reg: Distribution;
let root = "";
let env: NodeJS.ProcessEnv = {};
let config = "";

function h(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): RunResult {
  return hoist(root, args, {
    env: { ...env, ...options.env },
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
}

before(async () => {
  if (!peers) return;
  dir = tempDir("hoist-registry-auth-");
  env = registryTestEnv(dir);
  config = join(dir, "docker", "config.json");
  reg = await startDistribution(join(dir, "registry"), { htpasswd: true });
  root = join(dir, "hoist");
  const r = h(["import", busyboxTar(), `${reg.host}/private/bb:1`]);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  if (!peers) return;
  await removePeers(dir, reg);
});

test("without a login, push and pull fail as unauthorized", { skip }, () => {
  const push = h(["push", `${reg.host}/private/bb:1`]);
  assert.equal(push.code, 1);
  assert.match(push.stderr, /^Error: .*unauthorized: authentication required/m);
  const pull = h(["pull", `${reg.host}/private/bb:1`]);
  assert.equal(pull.code, 1);
  assert.match(pull.stderr, /unauthorized: authentication required/);
});

test("wrong credentials: unauthorized with the registry's message, nothing saved", { skip }, () => {
  const r = h(["login", "-u", TEST_USER, "--password-stdin", reg.host], { input: "wrong\n" });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Error: unauthorized: authentication required$/m);
  assert.ok(!existsSync(config), "no config.json written");
});

test("login verifies, then writes config.json with mode 0600 as docker does; push and pull work", { skip }, () => {
  const r = h(["login", "-u", TEST_USER, "-p", TEST_PASSWORD, reg.host]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "Login Succeeded\n");
  assert.match(r.stderr, /WARNING! Using --password via the CLI is insecure\. Use --password-stdin\./);
  assert.match(r.stderr, /WARNING! Your password will be stored unencrypted in .*config\.json\./);
  assert.equal(statSync(config).mode & 0o777, 0o600);
  const text = readFileSync(config, "utf8");
  assert.deepEqual(JSON.parse(text), {
    auths: { [reg.host]: { auth: Buffer.from(`${TEST_USER}:${TEST_PASSWORD}`).toString("base64") } },
  });
  assert.ok(text.includes('\n\t"auths"'), "tab-indented like docker's");
  const push = h(["push", `${reg.host}/private/bb:1`]);
  assert.equal(push.code, 0, push.stderr);
  assert.match(push.stdout, /^1: digest: sha256:/m);
  // skopeo reads the config hoist wrote.
  const inspected = JSON.parse(
    skopeo("inspect", "--tls-verify=false", "--authfile", config, `docker://${reg.host}/private/bb:1`),
  ) as { RepoTags: string[] };
  assert.deepEqual(inspected.RepoTags, ["1"]);
  const r2 = join(dir, "h2");
  const pull = hoist(r2, ["pull", `${reg.host}/private/bb:1`], { env });
  assert.equal(pull.code, 0, pull.stderr);
  const search = h(["search", `${reg.host}/priv`]);
  assert.equal(search.code, 0, search.stderr);
  assert.match(search.stdout, new RegExp(`^${reg.host}/private/bb\\s`, "m"), "the catalog needs auth too");
  const again = h(["login", reg.host]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^Authenticating with existing credentials\.\.\.\nLogin Succeeded\n$/);
});

test("--password-stdin and --authfile; podman's auth.json is read through REGISTRY_AUTH_FILE", { skip }, () => {
  const authfile = join(dir, "auth.json");
  const r = h(["login", "--authfile", authfile, "-u", TEST_USER, "--password-stdin", reg.host], {
    input: `${TEST_PASSWORD}\n`,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /Using --password via the CLI/);
  assert.equal(statSync(authfile).mode & 0o777, 0o600);
  assert.ok(JSON.parse(readFileSync(authfile, "utf8")).auths[reg.host].auth);
  assert.equal(h(["login", "--password-stdin", reg.host], { input: "x" }).code, 1, "--password-stdin needs --username");
  // podman logs in and writes its own auth.json; hoist pulls with it.
  const podAuth = join(dir, "podman-auth.json");
  podman(dir, "login", "--tls-verify=false", "--authfile", podAuth, "-u", TEST_USER, "-p", TEST_PASSWORD, reg.host);
  const r3 = join(dir, "h3");
  const pull = hoist(r3, ["pull", "-q", `${reg.host}/private/bb:1`], {
    env: { ...env, DOCKER_CONFIG: join(dir, "empty-docker"), REGISTRY_AUTH_FILE: podAuth },
  });
  assert.equal(pull.code, 0, pull.stderr);
});

test("logout removes the entry; logging out twice says so", { skip }, () => {
  const r = h(["logout", reg.host]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `Removing login credentials for ${reg.host}\n`);
  assert.deepEqual(JSON.parse(readFileSync(config, "utf8")), { auths: {} });
  assert.equal(statSync(config).mode & 0o777, 0o600);
  assert.equal(h(["logout", reg.host]).stdout, `Not logged in to ${reg.host}\n`);
  const push = h(["push", `${reg.host}/private/bb:1`]);
  assert.equal(push.code, 1);
});
