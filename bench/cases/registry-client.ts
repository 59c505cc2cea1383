// Bench cases of the registry-client issue: push a 70 MB three-layer image to CNCF Distribution (fresh registry
// each run) vs `podman push`; pull it into an empty store vs `podman pull` and `skopeo copy` into containers-storage.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { cleanup, hoistBin, podmanArgs, repo, scratch, sh, type BenchCase } from "../harness.ts";

interface Registry {
  host: string;
  data: string;
  child: ChildProcess;
}

/** Start docker-registry on 127.0.0.1 and wait (synchronously: the harness's hooks are sync) until it answers. */
function startRegistry(dir: string): Registry {
  for (let tries = 0; tries < 5; tries++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const host = `127.0.0.1:${port}`;
    const data = join(dir, "registry-data");
    mkdirSync(data, { recursive: true });
    const config = join(dir, "registry.yml");
    writeFileSync(
      config,
      `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${data}\n  delete:\n    enabled: true\n  maintenance:\n    uploadpurging:\n      enabled: false\nhttp:\n  addr: ${host}\n  secret: bench\n`,
    );
    const child = spawn("docker-registry", ["serve", config], { stdio: "ignore" });
    const wait = spawnSync(process.execPath, [
      "-e",
      `(async()=>{for(let i=0;i<200;i++){try{const r=await fetch("http://${host}/v2/");if(r.status===200)process.exit(0)}catch{}await new Promise(r=>setTimeout(r,25))}process.exit(1)})()`,
    ]);
    if (wait.status === 0) return { host, data, child };
    child.kill("SIGKILL");
  }
  throw new Error("docker-registry did not start");
}

/** Empty the registry's storage: it keeps no cache, so this is a fresh registry. */
function wipeRegistry(r: Registry): void {
  rmSync(r.data, { recursive: true, force: true });
  mkdirSync(r.data, { recursive: true });
}

function sha256(b: Buffer): string {
  return `sha256:${createHash("sha256").update(b).digest("hex")}`;
}

/** A three-layer, ~70 MB OCI layout: busybox, a 64 MB incompressible file, 2,000 small files. */
export function buildLayout(dir: string): string {
  const layout = join(dir, "layout");
  const blobs = join(layout, "blobs/sha256");
  mkdirSync(blobs, { recursive: true });
  const bb = sh(join(repo, "scripts/busybox-rootfs"), [], { quiet: true }).trim();
  const trees = [join(dir, "l1"), join(dir, "l2"), join(dir, "l3")] as const;
  for (const t of trees) mkdirSync(t, { recursive: true });
  sh("tar", ["-xf", bb, "-C", trees[0]]);
  mkdirSync(join(trees[1], "data"), { recursive: true });
  writeFileSync(join(trees[1], "data/big.bin"), randomBytes(64 << 20));
  mkdirSync(join(trees[2], "data/small"), { recursive: true });
  for (let i = 0; i < 2000; i++)
    writeFileSync(join(trees[2], "data/small", `f${i}.txt`), `file ${i}\n`.repeat(1 + (i % 50)));
  const layers: { digest: string; size: number; diffId: string }[] = [];
  for (const t of trees) {
    const tarFile = `${t}.tar`;
    sh("tar", ["--numeric-owner", "--sort=name", "--mtime=@0", "-C", t, "-cf", tarFile, "."]);
    const tar = readFileSync(tarFile);
    const gz = gzipSync(tar, { level: 6 });
    const digest = sha256(gz);
    writeFileSync(join(blobs, digest.slice(7)), gz);
    layers.push({ digest, size: gz.length, diffId: sha256(tar) });
    rmSync(t, { recursive: true, force: true });
    rmSync(tarFile, { force: true });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { Cmd: ["sh"] },
      rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
      history: layers.map(() => ({ created: "2024-01-01T00:00:00Z", created_by: "bench" })),
    }),
  );
  writeFileSync(join(blobs, sha256(config).slice(7)), config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: config.length },
      layers: layers.map((l) => ({
        mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
        digest: l.digest,
        size: l.size,
      })),
    }),
  );
  writeFileSync(join(blobs, sha256(manifest).slice(7)), manifest);
  writeFileSync(join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(layout, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: sha256(manifest),
          size: manifest.length,
          annotations: { "org.opencontainers.image.ref.name": "1" },
        },
      ],
    }),
  );
  return layout;
}

export function registryClientCases(): BenchCase[] {
  let dir = "";
  let seed: Registry | undefined; // holds the image for the pull cases
  let fresh: Registry | undefined; // emptied before every push
  let users = 3;
  const image = "bench/big:1";
  const hroot = (): string => join(dir, "hoist");
  const pargs = (): string[] => podmanArgs(dir);

  const setup = (): void => {
    if (dir) return;
    dir = scratch("registry");
    const layout = buildLayout(dir);
    seed = startRegistry(join(dir, "seed"));
    fresh = startRegistry(join(dir, "fresh"));
    sh("skopeo", ["copy", "-q", "--dest-tls-verify=false", `oci:${layout}:1`, `docker://${seed.host}/${image}`]);
    // The push cases start from the same image in each store, named for the fresh registry.
    sh(hoistBin, ["--root", hroot(), "pull", "-q", `${seed.host}/${image}`], { quiet: true });
    sh(hoistBin, ["--root", hroot(), "tag", `${seed.host}/${image}`, `${fresh.host}/${image}`], { quiet: true });
    sh("podman", [...pargs(), "pull", "-q", "--tls-verify=false", `${seed.host}/${image}`], { quiet: true });
    sh("podman", [...pargs(), "tag", `${seed.host}/${image}`, `${fresh.host}/${image}`], { quiet: true });
  };
  const teardown = (): void => {
    if (--users > 0) return;
    seed?.child.kill("SIGTERM");
    fresh?.child.kill("SIGTERM");
    if (dir) {
      spawnSync("podman", [...pargs(), "system", "reset", "-f"], { stdio: "ignore" });
      cleanup(dir);
    }
  };
  const pullRoot = (): string => join(dir, "hoist-pull");
  const pullStore = (): string[] => [
    "--root",
    join(dir, "pull-root"),
    "--runroot",
    join(dir, "pull-run"),
    "--storage-driver",
    "overlay",
  ];
  const emptyPodmanPullStore = (): void => {
    spawnSync("podman", [...pullStore(), "rmi", "-a", "-f"], { stdio: "ignore" });
  };
  /** Pull the seeded image into an empty store: hoist vs `peer`, which pulls into podman's pull store. */
  const pullCase = (peer: string, cmd: () => string[]): BenchCase => ({
    name: `pull 70 MB 3-layer image, empty store (vs ${peer.split(" ")[0]})`,
    peer,
    target: 1.0,
    setup,
    hoist: {
      before: () => rmSync(pullRoot(), { recursive: true, force: true }),
      cmd: () => [hoistBin, "--root", pullRoot(), "pull", `${seed?.host}/${image}`],
    },
    other: { before: emptyPodmanPullStore, cmd },
    teardown: () => {
      spawnSync("podman", [...pullStore(), "system", "reset", "-f"], { stdio: "ignore" });
      teardown();
    },
  });

  return [
    {
      name: "push 70 MB 3-layer image to Distribution",
      peer: "podman push",
      target: 1.0,
      setup,
      hoist: {
        before: () => wipeRegistry(fresh as Registry),
        cmd: () => [hoistBin, "--root", hroot(), "push", `${fresh?.host}/${image}`],
      },
      other: {
        before: () => wipeRegistry(fresh as Registry),
        cmd: () => ["podman", ...pargs(), "push", "--tls-verify=false", `${fresh?.host}/${image}`],
      },
      teardown,
    },
    pullCase("podman pull", () => ["podman", ...pullStore(), "pull", "--tls-verify=false", `${seed?.host}/${image}`]),
    pullCase("skopeo copy", () => [
      "skopeo",
      "copy",
      "-q",
      "--src-tls-verify=false",
      `docker://${seed?.host}/${image}`,
      `containers-storage:[overlay@${join(dir, "pull-root")}+${join(dir, "pull-run")}]${image}`,
    ]),
  ];
}
