// One registry host: its fetch pipeline (redirect → auth → retry → node transport), the /v2/ ping that picks
// the scheme and learns the auth challenge, and requests by path with the scopes they need.
import { HoistError } from "../../errors.ts";
import {
  Authenticator,
  DEFAULT_CERT_DIRS,
  authenticate,
  discard,
  isAbort,
  nodeTransport,
  pipeline,
  redirect,
  retry,
  type Body,
  type Credentials,
  type Fetch,
  type HttpResponse,
  type RetryOptions,
} from "../../http/index.ts";
import { lookupCredentials } from "../../auth/index.ts";
import { VERSION } from "../../version.ts";
import { registryEndpoints, type EndpointOptions } from "./endpoint.ts";
import { responseError } from "./errors.ts";

export interface RemoteOptions extends EndpointOptions {
  /** podman's --authfile (also REGISTRY_AUTH_FILE). */
  authfile?: string;
  /** Use these instead of the stored credentials (login checks them before saving). */
  credentials?: Credentials;
  /** Ask the token server for a refresh token (login). */
  offline?: boolean;
  /** certs.d roots (default /etc/docker/certs.d, /etc/containers/certs.d; HOIST_CERTS_DIR overrides). */
  certDirs?: string[];
  retry?: RetryOptions;
}

export interface SendInit {
  method: string;
  /** A path from the registry's root (`/v2/…`), or an absolute URL (upload locations). */
  path: string | URL;
  headers?: Record<string, string>;
  body?: Body;
  scopes?: string[];
  signal?: AbortSignal;
}

/** `repository:NAME:pull` / `repository:NAME:pull,push`. */
export function repoScope(path: string, push = false): string {
  return `repository:${path}:${push ? "pull,push" : "pull"}`;
}

export class RegistryClient {
  readonly registry: string;
  readonly auth: Authenticator;
  private readonly options: RemoteOptions;
  private readonly authed: Fetch;
  private readonly plain: Fetch;
  private base: Promise<URL> | undefined;

  constructor(registry: string, options: RemoteOptions = {}) {
    this.registry = registry;
    this.options = options;
    const env = options.env ?? process.env;
    const { urls, insecure } = registryEndpoints(registry, options);
    const skip = new Set(insecure ? urls.map((u) => u.host) : []);
    const certDirs = options.certDirs ?? (env.HOIST_CERTS_DIR ? env.HOIST_CERTS_DIR.split(":") : DEFAULT_CERT_DIRS);
    const transport = nodeTransport({
      tls: { certDirs, skipVerify: (h) => skip.has(h) || options.tlsVerify === false },
      userAgent: `hoist/${VERSION}`,
    });
    this.plain = pipeline(transport, redirect(), retry(options.retry));
    this.auth = new Authenticator({
      host: urls[0]?.host ?? registry,
      credentials: async () =>
        options.credentials ??
        lookupCredentials(registry, { env, ...(options.authfile ? { authfile: options.authfile } : {}) }),
      tokenFetch: this.plain,
      ...(options.offline ? { offline: true } : {}),
    });
    this.authed = pipeline(transport, redirect(), authenticate(this.auth), retry(options.retry));
  }

  /** The base URL that answered /v2/ (memoised); the auth challenge is learned on the way. */
  ping(signal?: AbortSignal): Promise<URL> {
    this.base ??= this.doPing(signal);
    this.base.catch(() => (this.base = undefined));
    return this.base;
  }

  private async doPing(signal?: AbortSignal): Promise<URL> {
    const { urls, insecure } = registryEndpoints(this.registry, this.options);
    let last: unknown;
    for (const base of urls) {
      const url = new URL("/v2/", base);
      try {
        const res = await this.plain({ method: "GET", url, headers: {}, ...(signal ? { signal } : {}) });
        if (res.status === 401) {
          this.auth.learn(res.headers["www-authenticate"]);
          await discard(res);
          return base;
        }
        if (res.status < 300) {
          await discard(res);
          return base;
        }
        const err = await responseError(res, `Get "${url.href}"`);
        if (res.status === 404) {
          last = new HoistError("REGISTRY", `${this.registry} is not a registry (no /v2/ API): ${err.message}`);
          continue;
        }
        throw err;
      } catch (e) {
        if (isAbort(e) || (e instanceof HoistError && e.code !== "REGISTRY")) throw e;
        last = pingError(url, e);
        if (!insecure) throw last;
      }
    }
    throw last ?? new HoistError("REGISTRY", `no endpoint for ${this.registry}`);
  }

  /** Send a request to the registry (pinging first), authenticated for `scopes`. */
  async send(init: SendInit): Promise<HttpResponse> {
    const base = await this.ping(init.signal);
    const url = typeof init.path === "string" ? new URL(init.path, base) : init.path;
    return this.authed({
      method: init.method,
      url,
      headers: init.headers ?? {},
      ...(init.body !== undefined ? { body: init.body } : {}),
      ...(init.scopes ? { scopes: init.scopes } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  }

  /** A fetch without the registry's auth (token realms, Docker Hub's index). */
  get plainFetch(): Fetch {
    return this.plain;
  }
}

function pingError(url: URL, e: unknown): HoistError {
  if (e instanceof HoistError && /wrong version number|packet length too long|http request/i.test(e.message))
    return new HoistError(
      "REGISTRY",
      `Get "${url.href}": http: server gave HTTP response to HTTPS client (use --tls-verify=false, or list the registry in HOIST_INSECURE_REGISTRIES)`,
      { cause: e },
    );
  const msg = (e as Error)?.message ?? String(e);
  const inner = msg.replace(/^GET [^:]+:\/\/[^ ]+: /, "");
  return new HoistError("REGISTRY", `Get "${url.href}": ${inner}`, { cause: e });
}

const clients = new Map<string, RegistryClient>();

/** One client per registry and options object in a process, so tokens and the ping are shared. */
export function registryClient(registry: string, options: RemoteOptions = {}): RegistryClient {
  const key = `${registry}|${JSON.stringify({ ...options, env: undefined, credentials: options.credentials ? "explicit" : undefined })}`;
  if (options.credentials) return new RegistryClient(registry, options);
  let c = clients.get(key);
  if (!c) {
    c = new RegistryClient(registry, options);
    clients.set(key, c);
  }
  return c;
}
