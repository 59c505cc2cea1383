// The innermost fetch: node:http/https with keep-alive agents and per-host TLS (custom CAs, client certs).
import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import { HoistError } from "../errors.ts";
import { isAbort } from "./network-error.ts";
import { tlsOptionsFor, type TlsSettings } from "./tls.ts";
import type { Fetch, HttpRequest, HttpResponse } from "./types.ts";

export interface TransportOptions {
  tls: TlsSettings;
  userAgent?: string;
  /** A connection idle this long fails (and may be retried). */
  idleTimeoutMs?: number;
}

const MAX_SOCKETS = 16;

/** A fetch over Node's http/https modules. Network failures become REGISTRY errors with the cause kept. */
export function nodeTransport(options: TransportOptions): Fetch {
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const httpsAgents = new Map<string, https.Agent>();
  const agentFor = (host: string): https.Agent => {
    let a = httpsAgents.get(host);
    if (!a) {
      a = new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, ...tlsOptionsFor(host, options.tls) });
      httpsAgents.set(host, a);
    }
    return a;
  };
  const userAgent = options.userAgent ?? "hoist";
  const idle = options.idleTimeoutMs ?? 120_000;
  return async (req) => {
    const body = typeof req.body === "function" ? await req.body() : req.body;
    return send(req, body, req.url.protocol === "https:" ? agentFor(req.url.host) : httpAgent, userAgent, idle);
  };
}

function send(
  req: HttpRequest,
  body: Buffer | string | Readable | undefined,
  agent: http.Agent,
  userAgent: string,
  idleMs: number,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "user-agent": userAgent, ...req.headers };
    if (typeof body === "string" || Buffer.isBuffer(body)) headers["content-length"] = String(Buffer.byteLength(body));
    else if (body === undefined && ["POST", "PUT", "PATCH"].includes(req.method)) headers["content-length"] = "0";
    const mod = req.url.protocol === "https:" ? https : http;
    let settled = false;
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      if (body && typeof body === "object" && !Buffer.isBuffer(body)) body.destroy();
      reject(wrap(e, req));
    };
    const r = mod.request(req.url, {
      method: req.method,
      headers,
      agent,
      ...(req.signal ? { signal: req.signal } : {}),
    });
    r.setTimeout(idleMs, () =>
      r.destroy(Object.assign(new Error(`no data for ${idleMs / 1000}s`), { code: "ETIMEDOUT" })),
    );
    r.on("error", fail);
    r.on("response", (res) => {
      settled = true;
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers))
        if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
      // The server answered before taking the whole body (an error, a redirect): stop sending it, and drop
      // the connection once the answer is read (it cannot carry another request, nor should it linger).
      if (body && typeof body === "object" && !Buffer.isBuffer(body) && !body.readableEnded) {
        body.unpipe(r);
        body.destroy();
        res.once("end", () => r.destroy());
        res.once("close", () => r.destroy());
      }
      resolve({ status: res.statusCode ?? 0, headers: out, url: req.url, body: res });
    });
    if (body === undefined) r.end();
    else if (typeof body === "string" || Buffer.isBuffer(body)) r.end(body);
    else {
      body.on("error", (e) => {
        fail(e);
        r.destroy();
      });
      body.pipe(r);
    }
  });
}

function wrap(e: unknown, req: HttpRequest): unknown {
  if (isAbort(e) || e instanceof HoistError) return e;
  const msg = (e as Error)?.message ?? String(e);
  return new HoistError("REGISTRY", `${req.method} ${req.url.origin}${req.url.pathname}: ${msg}`, { cause: e });
}
