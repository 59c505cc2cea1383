// Blob uploads: HEAD before anything, cross-repository mounts, and uploads — monolithic (POST, PUT with the
// body) for small blobs, otherwise streamed (POST, PATCH, PUT ?digest=) or in chunks (PATCH with Content-Range).
// A failed upload is started over from a fresh session with the blob opened again.
import { Readable, Transform } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { HoistError } from "../../errors.ts";
import { backoffMs, discard, isAbort, isTransientNetworkError, type HttpResponse } from "../../http/index.ts";
import type { Digest } from "../../oci/index.ts";
import { repoScope, type RegistryClient } from "./client.ts";
import { isRetryableResponseError, responseError } from "./errors.ts";

export interface BlobTarget {
  digest: Digest;
  size: number;
}

export interface UploadOptions {
  signal?: AbortSignal;
  /** Bytes sent so far (restarts count from 0 again). */
  onProgress?: (bytes: number) => void;
  /** Send in PATCH chunks of this many bytes instead of one stream. */
  chunkSize?: number;
  /** Tries in all (default 4). */
  attempts?: number;
}

/** Blobs up to this size go in one PUT. */
const MONOLITHIC_MAX = 1 << 20;

export async function blobExists(
  client: RegistryClient,
  repo: string,
  digest: Digest,
  signal?: AbortSignal,
): Promise<boolean> {
  const res = await client.send({
    method: "HEAD",
    path: `/v2/${repo}/blobs/${digest}`,
    scopes: [repoScope(repo, true)],
    ...(signal ? { signal } : {}),
  });
  await discard(res);
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw await responseError(res, `checking blob ${digest}`);
}

export type MountResult = { mounted: true } | { mounted: false; session?: URL };

/** Ask the registry to link `digest` from repository `from`; when it cannot, it may open an upload session. */
export async function mountBlob(
  client: RegistryClient,
  repo: string,
  digest: Digest,
  from: string,
  signal?: AbortSignal,
): Promise<MountResult> {
  const q = new URLSearchParams({ mount: digest, from });
  const res = await client.send({
    method: "POST",
    path: `/v2/${repo}/blobs/uploads/?${q.toString()}`,
    scopes: [repoScope(repo, true), repoScope(from)],
    ...(signal ? { signal } : {}),
  });
  await discard(res);
  if (res.status === 201) return { mounted: true };
  if (res.status === 202 && res.headers["location"])
    return { mounted: false, session: new URL(res.headers["location"], res.url) };
  if (res.status === 401 || res.status === 403 || res.status === 404) return { mounted: false };
  throw await responseError(res, `mounting blob ${digest} from ${from}`);
}

export async function startUpload(client: RegistryClient, repo: string, signal?: AbortSignal): Promise<URL> {
  const res = await client.send({
    method: "POST",
    path: `/v2/${repo}/blobs/uploads/`,
    scopes: [repoScope(repo, true)],
    ...(signal ? { signal } : {}),
  });
  if (res.status !== 202) throw await responseError(res, "starting a blob upload");
  await discard(res);
  return nextLocation(res);
}

function nextLocation(res: HttpResponse): URL {
  const loc = res.headers["location"];
  if (!loc) throw new HoistError("REGISTRY", `${res.url.host} gave no upload location`);
  return new URL(loc, res.url);
}

function withDigest(location: URL, digest: Digest): URL {
  const u = new URL(location);
  u.searchParams.set("digest", digest);
  return u;
}

function counting(onProgress: ((n: number) => void) | undefined): Transform {
  let n = 0;
  return new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      onProgress?.(n);
      cb(null, chunk);
    },
  });
}

/** Upload a blob whose digest and size are known; `open` gives its bytes (again, after a failure). */
export async function uploadBlob(
  client: RegistryClient,
  repo: string,
  blob: BlobTarget,
  open: () => Promise<Readable>,
  options: UploadOptions & { session?: URL } = {},
): Promise<void> {
  const attempts = options.attempts ?? 4;
  let session = options.session;
  for (let attempt = 1; ; attempt++) {
    let body: Readable | undefined;
    try {
      const location = session ?? (await startUpload(client, repo, options.signal));
      session = undefined;
      body = await open();
      await sendBlob(client, repo, location, blob, body, options);
      return;
    } catch (e) {
      body?.destroy();
      if (isAbort(e) || attempt >= attempts || !(isTransientNetworkError(e) || isRetryableResponseError(e))) throw e;
      await sleep(backoffMs(attempt), undefined, options.signal ? { signal: options.signal } : {});
    }
  }
}

async function sendBlob(
  client: RegistryClient,
  repo: string,
  location: URL,
  blob: BlobTarget,
  body: Readable,
  options: UploadOptions,
): Promise<void> {
  const signal = options.signal ? { signal: options.signal } : {};
  const stream = body.pipe(counting(options.onProgress));
  body.on("error", (e) => stream.destroy(e));
  const octet = { "content-type": "application/octet-stream", "content-length": String(blob.size) };
  let res: HttpResponse;
  if (blob.size <= MONOLITHIC_MAX && !options.chunkSize) {
    res = await client.send({
      method: "PUT",
      path: withDigest(location, blob.digest),
      headers: octet,
      body: stream,
      scopes: [repoScope(repo, true)],
      ...signal,
    });
  } else {
    let loc = location;
    if (options.chunkSize) loc = await patchChunks(client, repo, location, stream, options.chunkSize, options.signal);
    else {
      const patched = await client.send({
        method: "PATCH",
        path: loc,
        headers: octet,
        body: stream,
        scopes: [repoScope(repo, true)],
        ...signal,
      });
      if (patched.status !== 202 && patched.status !== 204)
        throw await responseError(patched, `uploading blob ${blob.digest}`);
      await discard(patched);
      loc = nextLocation(patched);
    }
    res = await client.send({
      method: "PUT",
      path: withDigest(loc, blob.digest),
      scopes: [repoScope(repo, true)],
      ...signal,
    });
  }
  if (res.status !== 201 && res.status !== 204 && res.status !== 200)
    throw await responseError(res, `uploading blob ${blob.digest}`);
  await discard(res);
}

/** PATCH the stream in chunks with Content-Range; returns the location for the closing PUT. */
async function patchChunks(
  client: RegistryClient,
  repo: string,
  location: URL,
  stream: Readable,
  chunkSize: number,
  signal?: AbortSignal,
): Promise<URL> {
  let loc = location;
  let offset = 0;
  for await (const chunk of chunks(stream, chunkSize)) {
    const res = await client.send({
      method: "PATCH",
      path: loc,
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(chunk.length),
        "content-range": `${offset}-${offset + chunk.length - 1}`,
      },
      body: Readable.from([chunk]),
      scopes: [repoScope(repo, true)],
      ...(signal ? { signal } : {}),
    });
    if (res.status !== 202 && res.status !== 204) throw await responseError(res, `uploading chunk at ${offset}`);
    await discard(res);
    loc = nextLocation(res);
    offset += chunk.length;
  }
  return loc;
}

/** Re-cut a stream into buffers of `size` bytes (the last may be shorter). */
async function* chunks(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let have = 0;
  for await (const c of stream as AsyncIterable<Buffer>) {
    let chunk = c;
    while (have + chunk.length >= size) {
      const take = size - have;
      parts.push(chunk.subarray(0, take));
      yield Buffer.concat(parts);
      parts = [];
      have = 0;
      chunk = chunk.subarray(take);
    }
    if (chunk.length > 0) {
      parts.push(chunk);
      have += chunk.length;
    }
  }
  if (have > 0) yield Buffer.concat(parts);
}
