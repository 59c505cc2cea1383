// A blob download that survives dropped connections: when the body ends early or fails, ask again from the
// byte we have (Range: bytes=N-) and carry on; a registry that ignores Range gets the head skipped.
import { PassThrough, type Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { HoistError } from "../../errors.ts";
import { backoffMs, discard, isAbort, isTransientNetworkError, type HttpResponse } from "../../http/index.ts";
import type { Descriptor } from "../../oci/index.ts";
import { repoScope, type RegistryClient } from "./client.ts";
import { responseError } from "./errors.ts";

export interface BlobReadOptions {
  signal?: AbortSignal;
  /** Called with the bytes received so far. */
  onProgress?: (bytes: number) => void;
  /** Resumptions allowed after the first response (default 8). */
  resumes?: number;
}

async function request(client: RegistryClient, repo: string, desc: Descriptor, from: number, signal?: AbortSignal) {
  return client.send({
    method: "GET",
    path: `/v2/${repo}/blobs/${desc.digest}`,
    headers: from > 0 ? { range: `bytes=${from}-` } : {},
    scopes: [repoScope(repo)],
    ...(signal ? { signal } : {}),
  });
}

/** Open a blob; the first answer is awaited (so a missing blob fails here), the rest streams. */
export async function openBlob(
  client: RegistryClient,
  repo: string,
  desc: Descriptor,
  options: BlobReadOptions = {},
): Promise<Readable> {
  const first = await request(client, repo, desc, 0, options.signal);
  if (first.status !== 200) throw await responseError(first, `fetching blob ${desc.digest}`);
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  void pump(client, repo, desc, first, out, options);
  return out;
}

async function pump(
  client: RegistryClient,
  repo: string,
  desc: Descriptor,
  first: HttpResponse,
  out: PassThrough,
  options: BlobReadOptions,
): Promise<void> {
  const max = options.resumes ?? 8;
  let got = 0;
  let res: HttpResponse | undefined = first;
  let skip = 0;
  let resumes = 0;
  const onClose = (): void => {
    res?.body.destroy();
  };
  out.on("close", onClose);
  try {
    while (true) {
      try {
        for await (const raw of res.body as AsyncIterable<Buffer>) {
          let chunk = raw;
          if (skip > 0) {
            const n = Math.min(skip, chunk.length);
            skip -= n;
            chunk = chunk.subarray(n);
            if (chunk.length === 0) continue;
          }
          got += chunk.length;
          if (got > desc.size)
            throw new HoistError("SIZE_INVALID", `blob ${desc.digest} is larger than ${desc.size} bytes`);
          options.onProgress?.(got);
          if (!out.write(chunk)) await drained(out);
          if (out.destroyed) return;
        }
        if (got === desc.size) {
          out.end();
          return;
        }
        throw Object.assign(new Error(`blob ${desc.digest} ended after ${got} of ${desc.size} bytes`), {
          code: "ERR_STREAM_PREMATURE_CLOSE",
        });
      } catch (e) {
        if (out.destroyed) return;
        if (isAbort(e) || !isTransientNetworkError(e) || resumes >= max) throw e;
      }
      resumes++;
      await sleep(backoffMs(resumes), undefined, options.signal ? { signal: options.signal } : {});
      res = await request(client, repo, desc, got, options.signal);
      if (res.status === 206) {
        const start = /bytes (\d+)-/.exec(res.headers["content-range"] ?? "")?.[1];
        if (start !== undefined && Number(start) !== got) {
          await discard(res);
          throw new HoistError("REGISTRY", `registry resumed blob ${desc.digest} at byte ${start}, not ${got}`);
        }
      } else if (res.status === 200) skip = got;
      else throw await responseError(res, `fetching blob ${desc.digest}`);
    }
  } catch (e) {
    out.destroy(e instanceof Error ? e : new Error(String(e)));
  } finally {
    out.off("close", onClose);
  }
}

/** Wait until `s` wants more, or is gone. */
function drained(s: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      s.off("drain", done);
      s.off("close", done);
      resolve();
    };
    s.on("drain", done);
    s.on("close", done);
  });
}
