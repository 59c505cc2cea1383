// Small HTTP helpers shared by the routes: the request context, responses, bounded bodies, Range headers.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Identity, Origin } from "./auth/index.ts";
import { RegistryError, errorBody } from "./errors.ts";

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: URLSearchParams;
  origin: Origin;
  /** Set once the request is authorized. */
  identity?: Identity;
}

export type Headers = Record<string, string | number | string[]>;

export function send(ctx: RequestContext, status: number, headers: Headers, body?: string | Uint8Array): void {
  const { res } = ctx;
  res.statusCode = status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (body === undefined) {
    if (!res.hasHeader("Content-Length")) res.setHeader("Content-Length", 0);
    res.end();
    return;
  }
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  if (!res.hasHeader("Content-Length")) res.setHeader("Content-Length", bytes.byteLength);
  if (ctx.method === "HEAD") res.end();
  else res.end(bytes);
}

export function sendJson(ctx: RequestContext, status: number, value: unknown, headers: Headers = {}): void {
  send(ctx, status, { "Content-Type": "application/json", ...headers }, JSON.stringify(value));
}

export function sendError(ctx: RequestContext, e: RegistryError): void {
  const { res } = ctx;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const name of res.getHeaderNames())
    if (name !== "docker-distribution-api-version" && name !== "connection") res.removeHeader(name);
  drain(ctx);
  send(
    ctx,
    e.status,
    { "Content-Type": "application/json", ...e.headers },
    ctx.method === "HEAD" ? undefined : errorBody(e),
  );
}

/** Whether the request carries a body (a Content-Length above 0, or a chunked body). */
export function hasBody(req: IncomingMessage): boolean {
  if (req.headers["transfer-encoding"] !== undefined) return true;
  const n = Number(req.headers["content-length"] ?? 0);
  return Number.isFinite(n) && n > 0;
}

/** The declared Content-Length, or undefined for a chunked or absent body. */
export function contentLength(req: IncomingMessage): number | undefined {
  const raw = req.headers["content-length"];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new RegistryError("SIZE_INVALID", "invalid Content-Length");
  return n;
}

/** The whole request body, refusing (413) anything above `limit` bytes before or while reading it. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = contentLength(req);
  if (declared !== undefined && declared > limit)
    throw new RegistryError("TOO_LARGE", `body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).byteLength;
    if (total > limit) throw new RegistryError("TOO_LARGE", `body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, total);
}

/** Most bytes of an unexpected body read and thrown away to keep a connection; above it the connection closes. */
export const maxDiscardedBody = 65536;

/**
 * Disposes of a body the route does not use: a small one is read and dropped so the connection can be reused; a
 * large or chunked one is not read at all and the connection closes after the response.
 */
export function drain(ctx: RequestContext): void {
  const { req, res } = ctx;
  if (req.readableEnded || req.readableFlowing) return;
  const length = Number(req.headers["content-length"] ?? 0);
  if (req.headers["transfer-encoding"] !== undefined || !(length <= maxDiscardedBody)) {
    if (!res.headersSent) res.setHeader("Connection", "close");
    return;
  }
  req.resume();
}

export type ByteRange = { start: number; end: number };

/**
 * A single `bytes=` range resolved against a size: the range, "unsatisfiable", or undefined (no Range, a form we do
 * not serve partially such as several ranges: answer with the whole body).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | "unsatisfiable" | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const [, a = "", b = ""] = m;
  if (a === "" && b === "") return "unsatisfiable";
  if (a === "") {
    const n = Number(b);
    if (n === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === "" ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || (b !== "" && Number(b) < start)) return "unsatisfiable";
  return { start, end };
}

/** `Content-Range: <start>-<end>` of an upload chunk (the spec's form, and `bytes <start>-<end>` too). */
export function parseChunkRange(header: string | undefined): ByteRange | undefined {
  if (header === undefined) return undefined;
  const m = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!m) throw new RegistryError("RANGE_INVALID", `invalid Content-Range ${JSON.stringify(header)}`);
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start)
    throw new RegistryError("RANGE_INVALID", `invalid Content-Range ${JSON.stringify(header)}`);
  return { start, end };
}

/** A non-negative integer query parameter clamped to [0, max]; `fallback` when absent or not a number. */
export function clampedInt(value: string | null, fallback: number, max: number): number {
  if (value === null || !/^-?\d+$/.test(value.trim())) return fallback;
  return Math.min(Math.max(0, Number(value)), max);
}
