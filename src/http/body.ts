// Reading response bodies: whole (bounded), as JSON, or drained so the connection can be reused.
import { HoistError } from "../errors.ts";
import type { HttpResponse } from "./types.ts";

/** Read the whole body, failing once it passes `max` bytes. */
export async function readBody(res: HttpResponse, max = 4 << 20): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > max) {
      res.body.destroy();
      throw new HoistError("SIZE_INVALID", `response from ${res.url.host} is larger than ${max} bytes`);
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

export async function readJson<T>(res: HttpResponse, max = 4 << 20): Promise<T> {
  const bytes = await readBody(res, max);
  try {
    return JSON.parse(bytes.toString("utf8")) as T;
  } catch {
    throw new HoistError("REGISTRY", `${res.url.host} answered ${res.url.pathname} with invalid JSON`);
  }
}

/** Throw away what is left of a body: small ones are read (keeping the connection), big ones cut. */
export async function discard(res: HttpResponse): Promise<void> {
  const len = Number(res.headers["content-length"] ?? "NaN");
  if (!Number.isFinite(len) || len > 64 << 10) {
    res.body.destroy();
    return;
  }
  try {
    for await (const _ of res.body) void _;
  } catch {
    /* the connection is gone anyway */
  }
}
