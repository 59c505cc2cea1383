// The fetch pipeline's shapes: a request, a response with a Node stream body, and interceptors that wrap a fetch.
import type { Readable } from "node:stream";

/**
 * A request body. Buffers and factories can be sent again (retries, redirects, auth challenges);
 * a plain stream can be sent only once.
 */
export type Body = Buffer | string | Readable | (() => Readable | Promise<Readable>);

export interface HttpRequest {
  method: string;
  url: URL;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body?: Body;
  signal?: AbortSignal;
  /**
   * Authorization scopes this request needs beyond what a challenge names (e.g. `repository:a:pull` for a
   * cross-repository mount from `a`). Read by the auth interceptor only.
   */
  scopes?: string[];
}

export interface HttpResponse {
  status: number;
  /** Header names in lower case; repeated headers joined with ", " (set-cookie excepted). */
  headers: Record<string, string>;
  /** The URL that answered (after redirects). */
  url: URL;
  /** The body; read it, or drain it with `discard`, so the connection can be reused. */
  body: Readable;
}

export type Fetch = (req: HttpRequest) => Promise<HttpResponse>;

/** A small wrapper around a fetch: retries, redirects, authentication… one concern per file. */
export type Interceptor = (next: Fetch) => Fetch;

/** Whether a body can be sent more than once. */
export function replayable(body: Body | undefined): boolean {
  return body === undefined || typeof body === "string" || Buffer.isBuffer(body) || typeof body === "function";
}

/** The request with one header set (or removed when value is undefined). */
export function withHeader(req: HttpRequest, name: string, value: string | undefined): HttpRequest {
  const headers = { ...req.headers };
  if (value === undefined) delete headers[name.toLowerCase()];
  else headers[name.toLowerCase()] = value;
  return { ...req, headers };
}
