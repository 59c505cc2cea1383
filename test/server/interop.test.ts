// Real clients against the server: skopeo copy both ways, podman push and pull, with and without authentication.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { bcryptHash } from "../../src/server/index.ts";
import { digestOf, http, startRegistry } from "./helpers.ts";
import type { TestRegistry } from "./helpers.ts";
import { busyboxTar, hasBinary, writeOciLayout } from "./oci-fixture.ts";
import type { LayoutImage } from "./oci-fixture.ts";

const run = promisify(execFile);
const haveSkopeo = hasBinary("skopeo");
const havePodman = hasBinary("podman");
let dir: string;
let image: LayoutImage;
let htpasswd: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "hoist-interop-"));
  image = await writeOciLayout(join(dir, "src"), "latest", [await busyboxTar()], {
    "org.opencontainers.image.description": "busybox made by the tests",
  });
  htpasswd = join(dir, "htpasswd");
  await writeFile(htpasswd, `alice:${bcryptHash("alice-pw", Buffer.alloc(16, 3), 5)}\n`);
});
after(() => rm(dir, { recursive: true, force: true }));

async function skopeo(...args: string[]): Promise<string> {
  const { stdout } = await run("skopeo", args, { timeout: 60_000 });
  return stdout;
}

function podmanArgs(root: string): string[] {
  return ["--root", join(root, "root"), "--runroot", join(root, "run"), "--storage-driver", "vfs"];
}

async function podman(root: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("podman", [...podmanArgs(root), ...args], { timeout: 120_000 });
  return stdout;
}

async function verifyAllBlobs(reg: TestRegistry, name: string, ref: string): Promise<void> {
  const m = await http(reg.url, "GET", `/v2/${name}/manifests/${ref}`);
  assert.equal(m.status, 200);
  const doc = m.json() as { config: { digest: string }; layers: { digest: string }[] };
  for (const d of [doc.config.digest, ...doc.layers.map((l) => l.digest)]) {
    const b = await http(reg.url, "GET", `/v2/${name}/blobs/${d}`);
    assert.equal(digestOf(b.body), d);
  }
}

describe("skopeo", { skip: haveSkopeo ? false : "skopeo is not installed" }, () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry();
  });
  after(() => reg.close());

  test("skopeo copy oci: → registry → oci: round-trips the image byte for byte", async () => {
    const host = reg.url.slice("http://".length);
    await skopeo(
      "copy",
      "--dest-tls-verify=false",
      `oci:${image.dir}:latest`,
      `docker://${host}/skopeo/busybox:latest`,
    );
    const got = await http(reg.url, "HEAD", "/v2/skopeo/busybox/manifests/latest");
    assert.equal(got.headers.get("docker-content-digest"), image.manifestDigest);
    await verifyAllBlobs(reg, "skopeo/busybox", "latest");
    const out = join(dir, "skopeo-out");
    await skopeo("copy", "--src-tls-verify=false", `docker://${host}/skopeo/busybox:latest`, `oci:${out}:latest`);
    const files = await readdir(join(out, "blobs", "sha256"));
    for (const f of files)
      assert.deepEqual(
        await readFile(join(out, "blobs", "sha256", f)),
        await readFile(join(image.dir, "blobs", "sha256", f)),
      );
    const inspect = JSON.parse(
      await skopeo("inspect", "--tls-verify=false", `docker://${host}/skopeo/busybox:latest`),
    ) as { Digest: string; Labels: Record<string, string> };
    assert.equal(inspect.Digest, image.manifestDigest);
    const tags = JSON.parse(await skopeo("list-tags", "--tls-verify=false", `docker://${host}/skopeo/busybox`)) as {
      Tags: string[];
    };
    assert.deepEqual(tags.Tags, ["latest"]);
  });

  test("skopeo copy between repositories of the registry mounts the blobs", async () => {
    const host = reg.url.slice("http://".length);
    await skopeo(
      "copy",
      "--src-tls-verify=false",
      "--dest-tls-verify=false",
      `docker://${host}/skopeo/busybox:latest`,
      `docker://${host}/skopeo/copy:v2`,
    );
    await verifyAllBlobs(reg, "skopeo/copy", "v2");
  });
});

describe("podman", { skip: havePodman ? false : "podman is not installed" }, () => {
  test("podman pull and push without authentication", async () => {
    const reg = await startRegistry();
    const root = join(dir, "podman-open");
    try {
      const host = reg.url.slice("http://".length);
      await skopeo(
        "copy",
        "--dest-tls-verify=false",
        `oci:${image.dir}:latest`,
        `docker://${host}/library/busybox:latest`,
      );
      await podman(root, "pull", "--tls-verify=false", `${host}/library/busybox:latest`);
      await podman(root, "tag", `${host}/library/busybox:latest`, `${host}/team/pushed:1.0`);
      await podman(root, "push", "--tls-verify=false", `${host}/team/pushed:1.0`);
      await verifyAllBlobs(reg, "team/pushed", "1.0");
      await podman(root, "rmi", "-a", "-f");
      await podman(root, "pull", "--tls-verify=false", `${host}/team/pushed:1.0`);
      const images = await podman(root, "images", "--format", "{{.Repository}}:{{.Tag}}");
      assert.match(images, /team\/pushed:1\.0/);
    } finally {
      await reg.close();
      await rm(root, { recursive: true, force: true }).catch(() => {});
    }
  });

  for (const type of ["htpasswd", "token"]) {
    test(`podman push and pull with ${type} authentication`, async () => {
      const reg = await startRegistry({
        auth: { type, htpasswd, access: [{ repository: "public/*", pull: ["*"], push: ["alice"] }] },
      });
      const root = join(dir, `podman-${type}`);
      try {
        const host = reg.url.slice("http://".length);
        await skopeo(
          "copy",
          "--dest-tls-verify=false",
          "--dest-creds",
          "alice:alice-pw",
          `oci:${image.dir}:latest`,
          `docker://${host}/private/busybox:latest`,
        );
        await assert.rejects(
          podman(root, "pull", "--tls-verify=false", `${host}/private/busybox:latest`),
          "anonymous pull of a private repository fails",
        );
        await assert.rejects(
          podman(root, "pull", "--tls-verify=false", "--creds", "alice:wrong", `${host}/private/busybox:latest`),
        );
        await podman(root, "pull", "--tls-verify=false", "--creds", "alice:alice-pw", `${host}/private/busybox:latest`);
        await podman(root, "tag", `${host}/private/busybox:latest`, `${host}/public/busybox:latest`);
        await assert.rejects(
          podman(root, "push", "--tls-verify=false", `${host}/public/busybox:latest`),
          "anonymous push fails",
        );
        await podman(root, "push", "--tls-verify=false", "--creds", "alice:alice-pw", `${host}/public/busybox:latest`);
        await podman(root, "rmi", "-a", "-f");
        await podman(root, "pull", "--tls-verify=false", `${host}/public/busybox:latest`);
      } finally {
        await reg.close();
        await rm(root, { recursive: true, force: true }).catch(() => {});
      }
    });
  }
});
