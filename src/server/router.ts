// Request dispatch: match the path, check the method, validate the name, authorize, then run the route.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Action } from "./auth/index.ts";
import type { Handler, Registry, RouteRequest } from "./context.ts";
import { RegistryError, toRegistryError } from "./errors.ts";
import type { RequestContext } from "./http.ts";
import { drain, sendError, sendJson } from "./http.ts";
import { checkName } from "./names.ts";
import { deleteBlob, getBlob } from "./routes/blobs.ts";
import { catalog, search } from "./routes/catalog.ts";
import { deleteManifest, getManifest, putManifest } from "./routes/manifests.ts";
import { listReferrers } from "./routes/referrers.ts";
import { listTags } from "./routes/tags.ts";
import { tokenEndpoint } from "./routes/token.ts";
import { cancelUpload, finishUpload, patchUpload, startUpload, uploadStatus } from "./routes/uploads.ts";

interface RepoRoute {
  pattern: RegExp;
  methods: Record<string, { handler: Handler; actions: Action[] }>;
}

const pull: Action[] = ["pull"];
const push: Action[] = ["push"];
const del: Action[] = ["delete"];

// Names may contain slashes; each pattern's greedy name group takes the last matching keyword. Order matters.
const repoRoutes: RepoRoute[] = [
  { pattern: /^\/v2\/(.+)\/blobs\/uploads\/?$/, methods: { POST: { handler: startUpload, actions: push } } },
  {
    pattern: /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/,
    methods: {
      GET: { handler: uploadStatus, actions: push },
      PATCH: { handler: patchUpload, actions: push },
      PUT: { handler: finishUpload, actions: push },
      DELETE: { handler: cancelUpload, actions: push },
    },
  },
  {
    pattern: /^\/v2\/(.+)\/blobs\/([^/]+)$/,
    methods: {
      GET: { handler: getBlob, actions: pull },
      HEAD: { handler: getBlob, actions: pull },
      DELETE: { handler: deleteBlob, actions: del },
    },
  },
  {
    pattern: /^\/v2\/(.+)\/manifests\/([^/]+)$/,
    methods: {
      GET: { handler: getManifest, actions: pull },
      HEAD: { handler: getManifest, actions: pull },
      PUT: { handler: putManifest, actions: push },
      DELETE: { handler: deleteManifest, actions: del },
    },
  },
  { pattern: /^\/v2\/(.+)\/tags\/list$/, methods: { GET: { handler: listTags, actions: pull } } },
  { pattern: /^\/v2\/(.+)\/referrers\/([^/]+)$/, methods: { GET: { handler: listReferrers, actions: pull } } },
];

function methodNotAllowed(allowed: string[]): RegistryError {
  return new RegistryError("METHOD_UNKNOWN", undefined, { headers: { Allow: allowed.join(", ") } });
}

function only(ctx: RequestContext, ...methods: string[]): void {
  if (!methods.includes(ctx.method)) throw methodNotAllowed(methods);
}

async function route(registry: Registry, ctx: RequestContext): Promise<void> {
  const { path } = ctx;
  if (path === "/v2/" || path === "/v2") {
    only(ctx, "GET", "HEAD");
    ctx.identity = registry.auth.authorize(ctx.req, { actions: [] }, ctx.origin);
    sendJson(ctx, 200, {});
    return;
  }
  if (path === "/v2/_catalog") {
    only(ctx, "GET");
    return catalog(registry, ctx);
  }
  if (path === "/healthz") {
    only(ctx, "GET", "HEAD");
    await registry.store.driver.stat("repositories");
    sendJson(ctx, 200, { status: "ok" });
    return;
  }
  if (path === "/v1/search") {
    only(ctx, "GET");
    return search(registry, ctx);
  }
  if (path === "/token" && registry.token) {
    only(ctx, "GET", "POST");
    return tokenEndpoint(registry.token, ctx);
  }
  for (const r of repoRoutes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    const entry = r.methods[ctx.method];
    if (!entry) throw methodNotAllowed(Object.keys(r.methods));
    const name = checkName(m[1] as string);
    if (registry.readOnly && ctx.method !== "GET" && ctx.method !== "HEAD")
      throw new RegistryError("UNSUPPORTED", "the registry is in read-only mode");
    ctx.identity = registry.auth.authorize(ctx.req, { repository: name, actions: entry.actions }, ctx.origin);
    const rr: RouteRequest = Object.assign(ctx, { registry, name, ref: m[2] ?? "" });
    return entry.handler(rr);
  }
  throw new RegistryError("NAME_UNKNOWN", "no such endpoint", { status: 404 });
}

function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf("?");
  return q < 0
    ? { path: url, query: new URLSearchParams() }
    : { path: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) };
}

/** Handles one request; resolves once the response has been written (or failed). */
export async function dispatch(registry: Registry, req: IncomingMessage, res: ServerResponse): Promise<RequestContext> {
  const { path, query } = splitUrl(req.url ?? "/");
  const ctx: RequestContext = {
    req,
    res,
    method: req.method ?? "GET",
    path,
    query,
    origin: { host: req.headers.host ?? "localhost", secure: (req.socket as TLSSocket).encrypted === true },
  };
  res.setHeader("Docker-Distribution-Api-Version", "registry/2.0");
  // Methods that carry no body have any body they bring dropped, within bounds.
  if (ctx.method === "GET" || ctx.method === "HEAD" || ctx.method === "DELETE") drain(ctx);
  try {
    await route(registry, ctx);
  } catch (e) {
    sendError(ctx, toRegistryError(e));
  }
  return ctx;
}
