// Test helpers: an in-process registry on 127.0.0.1 over a temp root, and small HTTP/OCI helpers.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { RegistryServer, applyConfig, defaultConfig, openRegistry } from "../../src/server/index.ts";
import type { RegistryConfig } from "../../src/server/index.ts";

export const OCT = "application/octet-stream";
export const MAN = "application/vnd.oci.image.manifest.v1+json";
export const IDX = "application/vnd.oci.image.index.v1+json";

export interface TestRegistry {
  url: string;
  root: string;
  server: RegistryServer;
  config: RegistryConfig;
  close(): Promise<void>;
}

/** Starts a registry on 127.0.0.1:0 with a fresh temp root; `config` is a config-file document applied on top. */
export async function startRegistry(config: unknown = {}, root?: string): Promise<TestRegistry> {
  const dir = root ?? (await mkdtemp(join(tmpdir(), "hoist-registry-test-")));
  const c = applyConfig({ ...defaultConfig(dir), fsync: false }, config);
  const { registry } = openRegistry(c);
  const server = new RegistryServer({ registry, accessLog: false });
  await server.listen(0, "127.0.0.1");
  return {
    url: server.url,
    root: dir,
    server,
    config: c,
    async close() {
      await server.close(2000);
      if (!root) await rm(dir, { recursive: true, force: true });
    },
  };
}

export function digestOf(data: string | Uint8Array, alg = "sha256"): string {
  return `${alg}:${createHash(alg).update(data).digest("hex")}`;
}

export function random(n: number): Buffer {
  return randomBytes(n);
}

export interface Res {
  status: number;
  headers: Headers;
  body: Buffer;
  json(): unknown;
  text(): string;
}

export async function http(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Uint8Array } = {},
): Promise<Res> {
  const url = path.startsWith("http") ? path : base + path;
  const init: RequestInit = { method, headers: opts.headers ?? {}, redirect: "manual" };
  if (opts.body !== undefined) init.body = opts.body as NonNullable<RequestInit["body"]>;
  const r = await fetch(url, init);
  const body = Buffer.from(await r.arrayBuffer());
  return {
    status: r.status,
    headers: r.headers,
    body,
    json: () => JSON.parse(body.toString("utf8")),
    text: () => body.toString("utf8"),
  };
}

/** Pushes a blob with POST then PUT ?digest=. */
export async function pushBlob(
  base: string,
  name: string,
  data: Uint8Array | string,
  headers: Record<string, string> = {},
): Promise<string> {
  const d = digestOf(data);
  const post = await http(base, "POST", `/v2/${name}/blobs/uploads/`, { headers });
  if (post.status !== 202) throw new Error(`POST ${post.status} ${post.text()}`);
  const loc = post.headers.get("location") as string;
  const put = await http(base, "PUT", `${loc}${loc.includes("?") ? "&" : "?"}digest=${d}`, {
    headers: { ...headers, "Content-Type": OCT },
    body: data,
  });
  if (put.status !== 201) throw new Error(`PUT ${put.status} ${put.text()}`);
  return d;
}

export async function pushManifest(
  base: string,
  name: string,
  ref: string,
  manifest: string | Uint8Array | object,
  contentType = MAN,
  headers: Record<string, string> = {},
): Promise<Res> {
  const body = typeof manifest === "string" || manifest instanceof Uint8Array ? manifest : JSON.stringify(manifest);
  return http(base, "PUT", `/v2/${name}/manifests/${ref}`, {
    headers: { ...headers, "Content-Type": contentType },
    body,
  });
}

/** A small image: config + one layer pushed, manifest returned (not pushed). */
export async function makeImage(
  base: string,
  name: string,
  opts: { layers?: Uint8Array[]; labels?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<{ manifest: string; digest: string; config: string; layers: string[] }> {
  const layers = opts.layers ?? [random(64)];
  const layerDigests: string[] = [];
  for (const l of layers) layerDigests.push(await pushBlob(base, name, l, opts.headers));
  const configBytes = JSON.stringify({
    architecture: "amd64",
    os: "linux",
    config: opts.labels ? { Labels: opts.labels } : {},
    rootfs: { type: "layers", diff_ids: layerDigests },
  });
  const config = await pushBlob(base, name, configBytes, opts.headers);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MAN,
    config: {
      mediaType: "application/vnd.oci.image.config.v1+json",
      digest: config,
      size: Buffer.byteLength(configBytes),
    },
    layers: layers.map((l, i) => ({
      mediaType: "application/vnd.oci.image.layer.v1.tar",
      digest: layerDigests[i],
      size: l.length,
    })),
  });
  return { manifest, digest: digestOf(manifest), config, layers: layerDigests };
}

/** A request with the path sent exactly as given (fetch would normalize `..`), optionally with a streamed body. */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: AsyncIterable<Uint8Array> | Uint8Array } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, method, path, headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    const body = opts.body;
    if (body === undefined) req.end();
    else if (body instanceof Uint8Array) req.end(body);
    else
      void (async () => {
        try {
          for await (const c of body) if (!req.write(c)) await new Promise((r) => req.once("drain", r));
          req.end();
        } catch (e) {
          req.destroy(e as Error);
        }
      })();
  });
}
