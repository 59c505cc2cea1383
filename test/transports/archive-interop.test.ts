// The archive transports against the real peers: what podman, skopeo and umoci write we read with the same
// image IDs and diffIDs; what we write they read. A private podman store under a temp dir; nothing else is touched.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { copy } from "../../src/copy/index.ts";
import { sha256 } from "../../src/oci/index.ts";
import { have, summarize, type Summary } from "../../src/transports/archive-common/test-helpers.ts";
import { createDockerArchiveSink, openDockerArchiveSource } from "../../src/transports/docker-archive/index.ts";
import { createOciArchiveSink, openOciArchiveSource } from "../../src/transports/oci-archive/index.ts";
import { createOciLayoutSink, openOciLayoutSource } from "../../src/transports/oci-layout/index.ts";

const repo = path.join(import.meta.dirname, "../..");
const peers = have("podman") && have("skopeo") && have("buildah");
const skip = peers ? false : "podman, skopeo and buildah are not installed (scripts/setup installs them)";
let dir = "";

function store(): string[] {
  return ["--root", path.join(dir, "root"), "--runroot", path.join(dir, "runroot"), "--storage-driver", "vfs"];
}
function podman(...args: string[]): string {
  return execFileSync("podman", [...store(), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
function buildah(...args: string[]): string {
  return execFileSync("buildah", [...store(), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
function skopeo(...args: string[]): string {
  return execFileSync("skopeo", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** What podman says an image is: ID (sha256 of its config) and diffIDs. */
function podmanImage(ref: string): { id: string; diffIds: string[] } {
  const [info] = JSON.parse(podman("image", "inspect", ref)) as { Id: string; RootFS: { Layers: string[] } }[];
  assert.ok(info);
  return { id: `sha256:${info.Id}`, diffIds: info.RootFS.Layers };
}

let one: { id: string; diffIds: string[] };
let two: { id: string; diffIds: string[] };

before(() => {
  if (!peers) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hoist-archive-interop-"));
  const rootfs = execFileSync(path.join(repo, "scripts/busybox-rootfs"), { encoding: "utf8" }).trim();
  podman("import", "--change", "ENV FROM=podman", rootfs, "localhost/interop/one:1");
  // a second image sharing the first one's layer, with one more layer on top
  const ctr = buildah("from", "localhost/interop/one:1").trim();
  fs.writeFileSync(path.join(dir, "hello.txt"), "hello\n");
  buildah("add", ctr, path.join(dir, "hello.txt"), "/hello.txt");
  buildah("commit", "-q", ctr, "docker.io/library/interop-two:latest");
  buildah("rm", ctr);
  one = podmanImage("localhost/interop/one:1");
  two = podmanImage("docker.io/library/interop-two:latest");
  assert.equal(two.diffIds[0], one.diffIds[0]);
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const summary = (img: { id: string; diffIds: string[] }, names: string[]): Summary =>
  ({ id: img.id, names, diffIds: img.diffIds }) as Summary;

test(
  "podman save --format docker-archive (two images, -m) is read with podman's IDs and diffIDs",
  { skip },
  async () => {
    const file = path.join(dir, "podman-docker.tar");
    podman(
      "save",
      "-m",
      "--format",
      "docker-archive",
      "-o",
      file,
      "localhost/interop/one:1",
      "docker.io/library/interop-two:latest",
    );
    assert.deepEqual(await summarize(openDockerArchiveSource(file)), [
      summary(one, ["localhost/interop/one:1"]),
      summary(two, ["docker.io/library/interop-two:latest"]),
    ]);
  },
);

test("podman save --format oci-archive is read with podman's IDs and diffIDs", { skip }, async () => {
  const file = path.join(dir, "podman-oci.tar");
  podman("save", "--format", "oci-archive", "-o", file, "docker.io/library/interop-two:latest");
  assert.deepEqual(await summarize(openOciArchiveSource(file)), [
    summary(two, ["docker.io/library/interop-two:latest"]),
  ]);
});

test("skopeo copy to oci:DIR (gzip layers) is read with the same IDs and diffIDs", { skip }, async () => {
  const archive = path.join(dir, "for-skopeo.tar");
  podman("save", "--format", "docker-archive", "-o", archive, "docker.io/library/interop-two:latest");
  const layout = path.join(dir, "skopeo-layout");
  skopeo("copy", `docker-archive:${archive}`, `oci:${layout}:two`);
  skopeo("copy", `docker-archive:${archive}`, `oci:${layout}:docker.io/library/interop-two:latest`);
  const got = await summarize(openOciLayoutSource(layout));
  assert.deepEqual(got, [summary(two, ["docker.io/library/interop-two:latest"])]);
});

test(
  "what our docker-archive sink writes, podman loads and skopeo inspects with the same config digest and diffIDs",
  { skip },
  async () => {
    const podmanArchive = path.join(dir, "in.tar");
    podman(
      "save",
      "-m",
      "--format",
      "docker-archive",
      "-o",
      podmanArchive,
      "localhost/interop/one:1",
      "docker.io/library/interop-two:latest",
    );
    const ours = path.join(dir, "ours-docker.tar");
    const rename = (n: string) => [n.replace("interop", "reloaded")];
    await copy(openDockerArchiveSource(podmanArchive), createDockerArchiveSink(ours), {
      names: (i) => i.names.flatMap(rename),
    });
    // skopeo, one image at a time
    for (const [ref, img] of [
      ["localhost/reloaded/one:1", one],
      ["docker.io/library/reloaded-two:latest", two],
    ] as const) {
      const manifest = JSON.parse(skopeo("inspect", "--raw", `docker-archive:${ours}:${ref}`)) as {
        config: { digest: string };
      };
      assert.equal(manifest.config.digest, img.id);
      const config = JSON.parse(skopeo("inspect", "--config", "--raw", `docker-archive:${ours}:${ref}`)) as {
        rootfs: { diff_ids: string[] };
      };
      assert.deepEqual(config.rootfs.diff_ids, img.diffIds);
    }
    // podman load: both images, both names. RepoTags hold docker's familiar form ("reloaded-two:latest"), which
    // podman, unlike docker, reads as localhost/reloaded-two (it does the same with docker's own archives).
    const out = podman("load", "-i", ours);
    assert.match(out, /Loaded image: localhost\/reloaded\/one:1/);
    assert.match(out, /Loaded image: localhost\/reloaded-two:latest/);
    assert.deepEqual(podmanImage("localhost/reloaded/one:1"), one);
    assert.deepEqual(podmanImage("localhost/reloaded-two:latest"), two);
  },
);

test("what our oci-archive sink writes, podman loads with the same ID", { skip }, async () => {
  const podmanArchive = path.join(dir, "in-oci.tar");
  podman("save", "--format", "oci-archive", "-o", podmanArchive, "docker.io/library/interop-two:latest");
  const ours = path.join(dir, "ours-oci.tar");
  await copy(openOciArchiveSource(podmanArchive), createOciArchiveSink(ours), {
    names: () => ["docker.io/library/via-oci:1"],
  });
  const manifest = JSON.parse(skopeo("inspect", "--raw", `oci-archive:${ours}`)) as { config: { digest: string } };
  assert.equal(manifest.config.digest, two.id);
  podman("load", "-i", ours);
  assert.deepEqual(podmanImage("docker.io/library/via-oci:1"), two);
});

test(
  "what our oci-layout sink writes, skopeo and umoci read",
  { skip: skip || (!have("umoci") && "umoci is not installed") },
  async () => {
    const podmanArchive = path.join(dir, "in-layout.tar");
    podman("save", "--format", "oci-archive", "-o", podmanArchive, "docker.io/library/interop-two:latest");
    const layout = path.join(dir, "ours-layout");
    await copy(openOciArchiveSource(podmanArchive), createOciLayoutSink(layout), {
      names: () => ["docker.io/library/layout:1"],
    });
    const config = JSON.parse(skopeo("inspect", "--config", "--raw", `oci:${layout}:docker.io/library/layout:1`)) as {
      rootfs: { diff_ids: string[] };
    };
    assert.deepEqual(config.rootfs.diff_ids, two.diffIds);
    const raw = skopeo("inspect", "--config", "--raw", `oci:${layout}:docker.io/library/layout:1`);
    assert.equal(sha256(raw), two.id);
    assert.match(
      execFileSync("umoci", ["ls", "--layout", layout], { encoding: "utf8" }),
      /docker\.io\/library\/layout:1/,
    );
    const bundle = path.join(dir, "bundle");
    execFileSync("umoci", ["unpack", "--rootless", "--image", `${layout}:docker.io/library/layout:1`, bundle], {
      stdio: "ignore",
    });
    assert.equal(fs.readFileSync(path.join(bundle, "rootfs", "hello.txt"), "utf8"), "hello\n");
  },
);
