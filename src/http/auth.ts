// The auth interceptor for one registry host: answers its 401 challenges with Basic credentials or a Bearer
// token (cached per scope set), and once a challenge is known sends auth up front. Other hosts (a blob's
// redirect to object storage, the token realm) never get the registry's Authorization.
import { basicHeader } from "./basic.ts";
import { fetchToken, type Token } from "./bearer.ts";
import { discard } from "./body.ts";
import { parseChallenges, pickChallenge, type Challenge } from "./challenge.ts";
import type { Credentials } from "./credentials.ts";
import { replayable, withHeader, type Fetch, type HttpRequest, type Interceptor } from "./types.ts";

export interface AuthenticatorOptions {
  /** host[:port] of the registry; only requests to it are authenticated. */
  host: string;
  /** Looked up once, on first need. */
  credentials: () => Promise<Credentials | undefined>;
  /** Fetch used for the token realm (no auth interceptor in it). */
  tokenFetch: Fetch;
  clientId?: string;
  /** Ask the token server for a refresh token (login). */
  offline?: boolean;
}

const EXPIRY_SLACK_MS = 10_000;

export class Authenticator {
  readonly host: string;
  private readonly options: AuthenticatorOptions;
  private challenge: Challenge | undefined;
  private creds: Promise<Credentials | undefined> | undefined;
  private readonly tokens = new Map<string, Promise<Token>>();
  /** The refresh token a token server gave (login stores it as the identity token). */
  refreshToken: string | undefined;

  constructor(options: AuthenticatorOptions) {
    this.host = options.host;
    this.options = options;
  }

  /** Remember the challenge of a 401 (from the /v2/ ping or any request). Returns whether it was usable. */
  learn(wwwAuthenticate: string | undefined): boolean {
    const c = pickChallenge(parseChallenges(wwwAuthenticate));
    if (c) this.challenge = c;
    return c !== undefined;
  }

  get scheme(): string | undefined {
    return this.challenge?.scheme;
  }

  credentials(): Promise<Credentials | undefined> {
    this.creds ??= this.options.credentials();
    return this.creds;
  }

  /** The Authorization value for a request needing `scopes`, or undefined when no challenge is known. */
  async header(scopes: string[], signal?: AbortSignal, force = false): Promise<string | undefined> {
    const c = this.challenge;
    if (!c) return undefined;
    const creds = await this.credentials();
    if (creds?.registryToken) return `Bearer ${creds.registryToken}`;
    if (c.scheme === "basic") {
      return creds?.username !== undefined && creds.password !== undefined
        ? basicHeader(creds.username, creds.password)
        : undefined;
    }
    const realm = c.params["realm"];
    if (!realm) return undefined;
    const all = [...new Set([...(c.params["scope"] ? c.params["scope"].split(" ") : []), ...scopes])].sort();
    const key = `${realm}|${c.params["service"] ?? ""}|${all.join(" ")}`;
    let pending = this.tokens.get(key);
    if (pending && !force) {
      const t = await pending.catch(() => undefined);
      if (t && t.expiresAt - EXPIRY_SLACK_MS > Date.now()) return `Bearer ${t.token}`;
    }
    pending = fetchToken(this.options.tokenFetch, {
      realm,
      scopes: all,
      ...(c.params["service"] ? { service: c.params["service"] } : {}),
      ...(creds ? { credentials: creds } : {}),
      ...(this.options.offline ? { offline: true } : {}),
      ...(this.options.clientId ? { clientId: this.options.clientId } : {}),
      ...(signal ? { signal } : {}),
    });
    this.tokens.set(key, pending);
    pending.catch(() => this.tokens.delete(key));
    const t = await pending;
    if (t.refreshToken) this.refreshToken = t.refreshToken;
    return `Bearer ${t.token}`;
  }
}

/** The interceptor: auth up front when a challenge is known, and one more try after a fresh 401 challenge. */
export function authenticate(auth: Authenticator): Interceptor {
  return (next) => async (req) => {
    if (req.url.host !== auth.host) return next(req);
    const scopes = req.scopes ?? [];
    const first = await auth.header(scopes, req.signal);
    const res = await next(withAuth(req, first));
    if (res.status !== 401 || !replayable(req.body)) return res;
    const before = auth.scheme;
    if (!auth.learn(res.headers["www-authenticate"])) return res;
    // Same scheme and already sent for Basic: the credentials are wrong; nothing more to try.
    if (first !== undefined && before === "basic" && auth.scheme === "basic") return res;
    const second = await auth.header(scopes, req.signal, true);
    if (second === undefined || second === first) return res;
    await discard(res);
    return next(withAuth(req, second));
  };
}

function withAuth(req: HttpRequest, value: string | undefined): HttpRequest {
  return value === undefined ? req : withHeader(req, "authorization", value);
}
