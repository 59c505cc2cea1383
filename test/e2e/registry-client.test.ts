// pull, push and search against CNCF Distribution (no auth) on 127.0.0.1, with skopeo and podman as witnesses.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { busyboxTar, have, hoist, tempDir, type RunResult } from "./helpers.ts";
import {
  podman,
  registryTestEnv,
  removePeers,
  skopeo,
  startDistribution,
  writeMultiPlatformLayout,
  type Distribution,
} from "./registry-client-helpers.ts";

const peers = have("docker-registry") && have("podman") && have("skopeo");
const skip = peers ? false : "docker-registry, podman and skopeo are needed (scripts/setup installs them)";
let dir = "";
let reg: Distribution;
let root = "";
let env: NodeJS.ProcessEnv = {};
let id = "";
let diffIds: string[] = [];

function h(args: string[], r = root): RunResult {
  return hoist(r, args, { env });
}
function ok(args: string[], r = root): string {
  const res = h(args, r);
  if (res.code !== 0) throw new Error(`hoist ${args.join(" ")} exited ${res.code}: ${res.stderr}${res.stdout}`);
  return res.stdout;
}
const raw = (
  ref: string,
): { mediaType?: string; config: { digest: string }; layers: { mediaType: string; digest: string }[] } =>
  JSON.parse(skopeo("inspect", "--tls-verify=false", "--raw", `docker://${ref}`));

before(async () => {
  if (!peers) return;
  dir = tempDir("hoist-registry-client-");
  env = registryTestEnv(dir);
  reg = await startDistribution(join(dir, "registry"));
  root = join(dir, "hoist");
  id = ok(["import", "-c", 'CMD ["sh"]', busyboxTar(), `${reg.host}/interop/bb:1`]).trim();
  diffIds = JSON.parse(ok(["inspect", "-f", "{{json .RootFS.Layers}}", id])) as string[];
});
after(async () => {
  if (!peers) return;
  await removePeers(dir, reg);
});

test("hoist push → Distribution: skopeo and podman see the same digest, diffIDs and image ID", { skip }, () => {
  const out = ok(["push", `${reg.host}/interop/bb:1`]);
  assert.match(out, new RegExp(`^The push refers to repository \\[${reg.host}/interop/bb\\]`, "m"));
  assert.match(out, /: Preparing$/m);
  assert.match(out, /: Pushed$/m);
  const m = /^1: digest: (sha256:[0-9a-f]{64}) size: (\d+)$/m.exec(out);
  assert.ok(m, out);
  const digest = m[1] as string;
  const inspected = JSON.parse(skopeo("inspect", "--tls-verify=false", `docker://${reg.host}/interop/bb:1`)) as {
    Digest: string;
  };
  assert.equal(inspected.Digest, digest);
  const manifest = raw(`${reg.host}/interop/bb:1`);
  assert.equal(manifest.config.digest, id, "the config digest is hoist's image ID");
  assert.match(manifest.layers[0]?.mediaType ?? "", /gzip/, "an imported (plain) layer is pushed gzip-compressed");
  const config = JSON.parse(
    skopeo("inspect", "--tls-verify=false", "--config", `docker://${reg.host}/interop/bb:1`),
  ) as { rootfs: { diff_ids: string[] } };
  assert.deepEqual(config.rootfs.diff_ids, diffIds);
  podman(dir, "pull", "-q", "--tls-verify=false", `${reg.host}/interop/bb:1`);
  assert.equal(podman(dir, "image", "inspect", "--format", "{{.Id}}", `${reg.host}/interop/bb:1`).trim(), id.slice(7));
  const repoDigests = JSON.parse(ok(["inspect", "-f", "{{json .RepoDigests}}", id])) as string[];
  assert.deepEqual(repoDigests, [`${reg.host}/interop/bb@${digest}`]);
  // skopeo copy reads it too.
  skopeo(
    "copy",
    "-q",
    "--src-tls-verify=false",
    `docker://${reg.host}/interop/bb:1`,
    `oci:${join(dir, "skopeo-copy")}:x`,
  );
});

test("a second push says Layer already exists; a push to another repository mounts the blob", { skip }, () => {
  const again = ok(["push", `${reg.host}/interop/bb:1`]);
  assert.match(again, /: Layer already exists$/m);
  assert.doesNotMatch(again, /Pushed/);
  ok(["tag", `${reg.host}/interop/bb:1`, `${reg.host}/interop/bb:2`]);
  assert.match(ok(["push", `${reg.host}/interop/bb:2`]), /: Layer already exists$/m);
  ok(["tag", `${reg.host}/interop/bb:1`, `${reg.host}/elsewhere/bb:1`]);
  const mounted = ok(["push", `${reg.host}/elsewhere/bb:1`]);
  assert.match(mounted, /: Mounted from interop\/bb$/m);
  assert.equal(raw(`${reg.host}/elsewhere/bb:1`).config.digest, id);
  const all = ok(["push", "-a", `${reg.host}/interop/bb`]);
  assert.match(all, /^1: digest: sha256:/m);
  assert.match(all, /^2: digest: sha256:/m);
});

test(
  "podman push → hoist pull → hoist run: same image ID; the blobs are kept, so a push back sends the same manifest",
  { skip },
  () => {
    podman(dir, "import", "-q", "--change", "ENV FROM_PODMAN=1", busyboxTar(), `${reg.host}/frompodman:1`);
    podman(dir, "push", "-q", "--tls-verify=false", `${reg.host}/frompodman:1`);
    const pid = podman(dir, "image", "inspect", "--format", "{{.Id}}", `${reg.host}/frompodman:1`).trim();
    const r2 = join(dir, "h-pull");
    const out = ok(["pull", `${reg.host}/frompodman:1`], r2);
    assert.match(out, /^1: Pulling from frompodman$/m);
    assert.match(out, /^[0-9a-f]{12}: Pulling fs layer$/m);
    assert.match(out, /^[0-9a-f]{12}: Pull complete$/m);
    const digest = /^Digest: (sha256:[0-9a-f]{64})$/m.exec(out)?.[1];
    assert.ok(digest, out);
    assert.match(out, new RegExp(`^Status: Downloaded newer image for ${reg.host}/frompodman:1$`, "m"));
    assert.equal(out.trim().split("\n").at(-1), `${reg.host}/frompodman:1`);
    assert.equal(ok(["images", "-q", "--no-trunc"], r2).trim(), `sha256:${pid}`);
    assert.match(ok(["inspect", "-f", "{{json .Config.Env}}", pid], r2), /FROM_PODMAN=1/);
    assert.match(ok(["system", "check"], r2), /No problems found/);
    assert.equal(
      ok(["run", "--rm", `${reg.host}/frompodman:1`, "sh", "-c", "echo $FROM_PODMAN"], r2),
      "1\n",
      "and it runs",
    );
    const again = ok(["pull", `${reg.host}/frompodman:1`], r2);
    assert.match(again, /^Status: Image is up to date for /m);
    assert.doesNotMatch(again, /Pulling fs layer/);
    // Pushed back under another name: the blobs hoist kept are sent as they were, so the manifest is the same.
    ok(["tag", `${reg.host}/frompodman:1`, `${reg.host}/roundtrip:1`], r2);
    const pushed = ok(["push", `${reg.host}/roundtrip:1`], r2);
    assert.match(pushed, new RegExp(`^1: digest: ${digest} size:`, "m"));
    assert.equal(
      JSON.parse(skopeo("inspect", "--tls-verify=false", `docker://${reg.host}/roundtrip:1`)).Digest,
      digest,
    );
  },
);

test("pull by digest, pull -a, -q, an unknown tag and an invalid name", { skip }, () => {
  const digest = JSON.parse(skopeo("inspect", "--tls-verify=false", `docker://${reg.host}/interop/bb:1`))
    .Digest as string;
  const r3 = join(dir, "h-digest");
  const out = ok(["pull", `${reg.host}/interop/bb@${digest}`], r3);
  assert.match(out, new RegExp(`^${digest}: Pulling from interop/bb$`, "m"));
  assert.match(out, new RegExp(`^Status: Downloaded newer image for ${reg.host}/interop/bb@${digest}$`, "m"));
  assert.match(ok(["images", "--digests"], r3), new RegExp(`<none>\\s+${digest}`));
  assert.equal(ok(["inspect", "-f", "{{.Id}}", `${reg.host}/interop/bb@${digest}`], r3).trim(), id);
  const all = ok(["pull", "-a", `${reg.host}/interop/bb`], r3);
  assert.match(all, /^1: Pulling from interop\/bb$/m);
  assert.match(all, /^2: Pulling from interop\/bb$/m);
  assert.match(ok(["images", "--format", "{{.Tag}}", `${reg.host}/interop/bb`], r3), /^1\n2\n$|^2\n1\n$/);
  assert.equal(ok(["pull", "-q", `${reg.host}/interop/bb:1`], join(dir, "h-quiet")), `${reg.host}/interop/bb:1\n`);
  const unknown = h(["pull", `${reg.host}/interop/bb:nope`], r3);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^Error: manifest for .*interop\/bb:nope not found: manifest unknown/m);
  const bad = h(["pull", "127.0.0.1:1/Upper:1"], r3);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid reference format: repository name \(Upper\) must be lowercase/);
  const badTag = h(["pull", "127.0.0.1:1/x:bad!tag"], r3);
  assert.match(badTag.stderr, /invalid reference format/);
  assert.doesNotMatch(badTag.stderr, /connect|ECONNREFUSED/, "no network call for a bad reference");
});

test("a multi-platform index copied by skopeo copy --all pulls the platform asked for", { skip }, () => {
  const tar = readFileSync(busyboxTar());
  const layout = join(dir, "multi-layout");
  const { index, configs } = writeMultiPlatformLayout(layout, "1", [
    { architecture: "amd64", tar },
    { architecture: "arm64", variant: "v8", tar },
    { architecture: "arm", variant: "v6", tar },
    { architecture: "arm", variant: "v7", tar },
  ]);
  skopeo("copy", "-q", "--all", "--dest-tls-verify=false", `oci:${layout}:1`, `docker://${reg.host}/multi:1`);
  const r4 = join(dir, "h-multi");
  const out = ok(["pull", `${reg.host}/multi:1`], r4);
  assert.match(out, new RegExp(`^Digest: ${index}$`, "m"), "the digest printed is the index's");
  assert.equal(ok(["images", "-q", "--no-trunc"], r4).trim(), configs[0]);
  assert.deepEqual(JSON.parse(ok(["inspect", "-f", "{{json .RepoDigests}}", `${reg.host}/multi:1`], r4)), [
    `${reg.host}/multi@${index}`,
  ]);
  const expect: [string, string][] = [
    ["linux/arm64", configs[1] as string],
    ["linux/arm/v7", configs[3] as string],
    ["linux/arm/v6", configs[2] as string],
  ];
  for (const [platform, config] of expect) {
    const r = join(dir, `h-multi-${platform.replace(/\//g, "-")}`);
    ok(["pull", "-q", "--platform", platform, `${reg.host}/multi:1`], r);
    assert.equal(
      ok(["inspect", "-f", "{{.Id}} {{.Architecture}}", `${reg.host}/multi:1`], r).split(" ")[0],
      config,
      platform,
    );
  }
  const none = h(["pull", "--platform", "linux/s390x", `${reg.host}/multi:1`], join(dir, "h-none"));
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no matching manifest for linux\/s390x/);
});

test("search finds pushed repositories through the catalog; --list-tags, --limit, --format", { skip }, () => {
  const out = ok(["search", `${reg.host}/bb`]);
  assert.match(out, /^NAME\s+DESCRIPTION\s+STARS\s+OFFICIAL\s*$/m);
  assert.match(out, new RegExp(`^${reg.host}/interop/bb\\s+0`, "m"));
  assert.match(out, new RegExp(`^${reg.host}/elsewhere/bb\\s+0`, "m"));
  assert.doesNotMatch(out, /frompodman/);
  assert.equal(
    ok(["search", "--limit", "1", "--format", "{{.Name}}", `${reg.host}/bb`])
      .trim()
      .split("\n").length,
    1,
  );
  const tags = ok(["search", "--list-tags", `${reg.host}/interop/bb`]);
  assert.match(tags, /^NAME\s+TAG\s*$/m);
  assert.match(tags, new RegExp(`^${reg.host}/interop/bb\\s+1\\s*$`, "m"));
  assert.match(tags, new RegExp(`^${reg.host}/interop/bb\\s+2\\s*$`, "m"));
  assert.equal(h(["search", "--limit", "101", "x"]).code, 125);
});

test("push --compression-format zstd, in chunks, sends zstd layers that pull back to the same image", { skip }, () => {
  ok(["tag", `${reg.host}/interop/bb:1`, `${reg.host}/zstd/bb:1`]);
  // In 64 KiB PATCH chunks (Content-Range) rather than one stream.
  const pushed = hoist(root, ["push", "--compression-format", "zstd", `${reg.host}/zstd/bb:1`], {
    env: { ...env, HOIST_UPLOAD_CHUNK_SIZE: "65536" },
  });
  assert.equal(pushed.code, 0, pushed.stderr);
  assert.match(pushed.stdout, /: Pushed$/m);
  const m = raw(`${reg.host}/zstd/bb:1`);
  assert.equal(m.layers[0]?.mediaType, "application/vnd.oci.image.layer.v1.tar+zstd");
  assert.equal(m.config.digest, id);
  const r5 = join(dir, "h-zstd");
  ok(["pull", "-q", `${reg.host}/zstd/bb:1`], r5);
  assert.equal(ok(["images", "-q", "--no-trunc"], r5).trim(), id);
  assert.match(ok(["system", "check"], r5), /No problems found/);
});
