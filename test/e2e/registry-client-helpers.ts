// Real peers for the registry-client tests and bench: CNCF Distribution (Debian's docker-registry) on 127.0.0.1,
// with or without htpasswd auth, and podman with a private store.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { removeDir } from "./helpers.ts";

const repoDir = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** A test user and its bcrypt hash (cost 5), made once with libxcrypt: no htpasswd binary needed. */
export const TEST_USER = "hoist";
export const TEST_PASSWORD = "hoist-secret";
const TEST_HTPASSWD = `${TEST_USER}:$2b$05$ruGcmxmkXBRH8t5Vhswc/egCwh1sc2bYrhfV/dPmMAySSxSodtwyW\n`;

export interface Distribution {
  /** host:port, e.g. 127.0.0.1:40123 */
  host: string;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Poll `url` until it answers 2xx (about 10 s at the most); throws when it never does. */
export async function waitUntilUp(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(50);
  }
  throw new Error(`${url} did not come up`);
}

/** Start docker-registry with filesystem storage under `dir`; resolves once /v2/ answers. */
export async function startDistribution(dir: string, options: { htpasswd?: boolean } = {}): Promise<Distribution> {
  mkdirSync(join(dir, "data"), { recursive: true });
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const auth = options.htpasswd
      ? `auth:\n  htpasswd:\n    realm: hoist-test\n    path: ${join(dir, "htpasswd")}\n`
      : "";
    if (options.htpasswd) writeFileSync(join(dir, "htpasswd"), TEST_HTPASSWD);
    const config = `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${join(dir, "data")}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: ${host}
  secret: hoist-test-secret
${auth}`;
    const file = join(dir, "config.yml");
    writeFileSync(file, config);
    const child = spawn("docker-registry", ["serve", file], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    if (await waitReady(host, child)) return { host, url: `http://${host}`, dir, stop: () => stopChild(child) };
    await stopChild(child);
    if (tries >= 2) throw new Error(`docker-registry did not start: ${stderr.slice(0, 2000)}`);
  }
}

async function waitReady(host: string, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return false;
    try {
      const res = await fetch(`http://${host}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return true;
    } catch {
      /* not up yet */
    }
    await sleep(50);
  }
  return false;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** podman with a private vfs store under `dir`. */
export function podman(dir: string, ...args: string[]): string {
  return execFileSync(
    "podman",
    ["--root", join(dir, "p-root"), "--runroot", join(dir, "p-run"), "--storage-driver", "vfs", ...args],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
}

/**
 * The environment for hoist in a test: a private docker config under `dir`, no podman auth file, and Docker Hub at
 * `hubUrl` (by default a closed port, so that nothing reaches the real one).
 */
export function registryTestEnv(dir: string, hubUrl = "http://127.0.0.1:9"): NodeJS.ProcessEnv {
  return { DOCKER_CONFIG: join(dir, "docker"), REGISTRY_AUTH_FILE: "", HOIST_DOCKER_HUB_URL: hubUrl };
}

/** A test's teardown: stop the registry, reset podman's private store under `dir` (best effort), remove `dir`. */
export async function removePeers(dir: string, reg: Distribution): Promise<void> {
  await reg.stop();
  try {
    podman(dir, "system", "reset", "-f");
  } catch {
    /* best effort */
  }
  removeDir(dir);
}

export function skopeo(...args: string[]): string {
  return execFileSync("skopeo", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

export interface LayoutImage {
  architecture: string;
  variant?: string;
  /** The layer as an uncompressed tar. */
  tar: Buffer;
}

/** An OCI layout whose index.json holds one multi-platform index (tag `ref`) of single-layer images. */
export function writeMultiPlatformLayout(
  dir: string,
  ref: string,
  images: LayoutImage[],
): { index: string; configs: string[] } {
  const blobs = join(dir, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const put = (b: Buffer): { digest: string; size: number } => {
    const digest = `sha256:${createHash("sha256").update(b).digest("hex")}`;
    writeFileSync(join(blobs, digest.slice(7)), b);
    return { digest, size: b.length };
  };
  const configs: string[] = [];
  const manifests = images.map((img) => {
    const gz = gzipSync(img.tar);
    const layer = put(gz);
    const diffId = `sha256:${createHash("sha256").update(img.tar).digest("hex")}`;
    const config = put(
      Buffer.from(
        JSON.stringify({
          architecture: img.architecture,
          os: "linux",
          ...(img.variant ? { variant: img.variant } : {}),
          config: { Env: [`ARCH=${img.architecture}${img.variant ?? ""}`] },
          rootfs: { type: "layers", diff_ids: [diffId] },
        }),
      ),
    );
    configs.push(config.digest);
    const m = put(
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
          layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...layer }],
        }),
      ),
    );
    return {
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      ...m,
      platform: { os: "linux", architecture: img.architecture, ...(img.variant ? { variant: img.variant } : {}) },
    };
  });
  const index = put(
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests })),
  );
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.index.v1+json",
          ...index,
          annotations: { "org.opencontainers.image.ref.name": ref },
        },
      ],
    }),
  );
  return { index: index.digest, configs };
}

/** Run hoist without blocking this process (the tests' proxies and fakes live in it). */
export function hoistIn(
  root: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(repoDir, "bin/hoist"), ["--root", root, ...args], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdin?.end(options.input ?? "");
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
