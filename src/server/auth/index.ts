// Authentication and authorization of registry requests: none, htpasswd (HTTP Basic), or Docker-style bearer
// tokens, each combined with the per-repository access rules.
import type { IncomingMessage } from "node:http";
import { RegistryError } from "../errors.ts";
import { AccessPolicy } from "./access.ts";
import type { Action, AccessRule } from "./access.ts";
import type { Htpasswd } from "./htpasswd.ts";
import { verifyJwt } from "./jwt.ts";
import type { JwtKey } from "./jwt.ts";
import { formatScope } from "./scope.ts";
import type { ResourceAccess } from "./scope.ts";

export type { Action, AccessRule } from "./access.ts";
export { AccessPolicy } from "./access.ts";
export { Htpasswd, parseHtpasswd } from "./htpasswd.ts";
export { bcryptHash, bcryptVerify } from "./bcrypt.ts";
export { keyFromPem, keyFromSecret, signJwt, verifyJwt } from "./jwt.ts";
export type { JwtKey } from "./jwt.ts";
export { parseScopes } from "./scope.ts";
export type { ResourceAccess } from "./scope.ts";

export interface Identity {
  /** The signed-in user; undefined for anonymous requests. */
  user: string | undefined;
  /** Whether this identity may do `action` on a repository (for mounts and catalog filtering). */
  can(repository: string, action: Action): boolean;
}

/** What a request needs: access to a repository, or (repository undefined) just a valid sign-in when auth is on. */
export interface Need {
  repository?: string;
  actions: Action[];
}

/** Where the request came from, for building the token realm URL. */
export interface Origin {
  host: string;
  secure: boolean;
}

export interface Authenticator {
  readonly kind: "none" | "htpasswd" | "token";
  readonly policy: AccessPolicy;
  /** Resolves to the identity when allowed; throws 401 (with a challenge) or 403 otherwise. */
  authorize(req: IncomingMessage, need: Need, origin: Origin): Identity;
  /** The identity behind a request without requiring one (anonymous when no credentials); bad credentials throw 401. */
  identify(req: IncomingMessage, origin: Origin): Identity;
}

export interface TokenSettings {
  key: JwtKey;
  realm?: string;
  service: string;
  issuer: string;
  /** Token lifetime in seconds. */
  expiry: number;
}

export interface AuthSettings {
  type: "none" | "htpasswd" | "token";
  htpasswd?: Htpasswd;
  realm: string;
  token?: TokenSettings;
  access: AccessRule[];
}

function deny(what: string): RegistryError {
  return new RegistryError("DENIED", `requested access to ${what} is denied`);
}

function basicCredentials(req: IncomingMessage): { user: string; password: string } | undefined {
  const h = req.headers.authorization;
  if (!h || !/^basic /i.test(h)) return undefined;
  const decoded = Buffer.from(h.slice(6).trim(), "base64").toString("utf8");
  const i = decoded.indexOf(":");
  if (i < 0) return { user: decoded, password: "" };
  return { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

class OpenAuthenticator implements Authenticator {
  readonly kind = "none";
  readonly policy: AccessPolicy;
  constructor(access: AccessRule[]) {
    this.policy = new AccessPolicy(access, true);
  }
  identify(): Identity {
    return { user: undefined, can: (r, a) => this.policy.allowed(undefined, r, a) };
  }
  authorize(_req: IncomingMessage, need: Need): Identity {
    const id = this.identify();
    for (const a of need.actions) if (need.repository && !id.can(need.repository, a)) throw deny(need.repository);
    return id;
  }
}

class BasicAuthenticator implements Authenticator {
  readonly kind = "htpasswd";
  readonly policy: AccessPolicy;
  readonly #users: Htpasswd;
  readonly #challenge: string;

  constructor(users: Htpasswd, realm: string, access: AccessRule[]) {
    this.#users = users;
    this.policy = new AccessPolicy(access, false);
    this.#challenge = `Basic realm=${JSON.stringify(realm)}`;
  }

  #unauthorized(message = "authentication required"): RegistryError {
    return new RegistryError("UNAUTHORIZED", message, { headers: { "WWW-Authenticate": this.#challenge } });
  }

  identify(req: IncomingMessage): Identity {
    const creds = basicCredentials(req);
    let user: string | undefined;
    // Some clients (containers/image) answer a Basic challenge with empty credentials when they have none.
    if (creds && (creds.user !== "" || creds.password !== "")) {
      if (!this.#users.verify(creds.user, creds.password)) throw this.#unauthorized("invalid username or password");
      user = creds.user;
    }
    return { user, can: (r, a) => this.policy.allowed(user, r, a) };
  }

  authorize(req: IncomingMessage, need: Need): Identity {
    const id = this.identify(req);
    if (!need.repository) {
      if (id.user === undefined) throw this.#unauthorized();
      return id;
    }
    for (const a of need.actions) {
      if (id.can(need.repository, a)) continue;
      if (id.user === undefined) throw this.#unauthorized();
      throw deny(need.repository);
    }
    return id;
  }
}

class TokenAuthenticator implements Authenticator {
  readonly kind = "token";
  readonly policy: AccessPolicy;
  readonly #token: TokenSettings;

  constructor(token: TokenSettings, access: AccessRule[]) {
    this.#token = token;
    this.policy = new AccessPolicy(access, false);
  }

  #challenge(origin: Origin, scope: string | undefined, error?: string): RegistryError {
    const realm = this.#token.realm ?? `${origin.secure ? "https" : "http"}://${origin.host}/token`;
    let h = `Bearer realm=${JSON.stringify(realm)},service=${JSON.stringify(this.#token.service)}`;
    if (scope) h += `,scope=${JSON.stringify(scope)}`;
    if (error) h += `,error=${JSON.stringify(error)}`;
    return new RegistryError(
      "UNAUTHORIZED",
      error === "invalid_token" ? "invalid or expired token" : "authentication required",
      {
        headers: { "WWW-Authenticate": h },
      },
    );
  }

  /** The verified claims of the bearer token, undefined without one; throws 401 for a bad token. */
  #claims(
    req: IncomingMessage,
    origin: Origin,
    scope: string | undefined,
  ): { sub?: string; access: ResourceAccess[] } | undefined {
    const h = req.headers.authorization;
    if (!h || !/^bearer /i.test(h)) return undefined;
    const claims = verifyJwt(this.#token.key, h.slice(7).trim());
    const now = Math.floor(Date.now() / 1000);
    const skew = 60;
    const aud = claims?.aud;
    const audOk = aud === this.#token.service || (Array.isArray(aud) && aud.includes(this.#token.service));
    if (
      !claims ||
      claims.iss !== this.#token.issuer ||
      !audOk ||
      typeof claims.exp !== "number" ||
      claims.exp + skew < now ||
      (typeof claims.nbf === "number" && claims.nbf - skew > now)
    )
      throw this.#challenge(origin, scope, "invalid_token");
    const access = Array.isArray(claims.access) ? (claims.access as ResourceAccess[]) : [];
    return typeof claims.sub === "string" && claims.sub !== "" ? { sub: claims.sub, access } : { access };
  }

  identify(req: IncomingMessage, origin: Origin): Identity {
    const claims = this.#claims(req, origin, undefined);
    const user = claims?.sub;
    return { user, can: (r, a) => this.policy.allowed(user, r, a) };
  }

  authorize(req: IncomingMessage, need: Need, origin: Origin): Identity {
    const scope = need.repository
      ? formatScope(need.repository, need.actions.includes("push") ? ["pull", "push"] : need.actions)
      : undefined;
    const claims = this.#claims(req, origin, scope);
    if (!claims) throw this.#challenge(origin, scope);
    const grants = claims.access;
    const has = (r: string, a: Action): boolean =>
      grants.some(
        (g) =>
          g &&
          g.type === "repository" &&
          g.name === r &&
          Array.isArray(g.actions) &&
          (g.actions.includes(a) || g.actions.includes("*")),
      );
    if (need.repository) {
      for (const a of need.actions) {
        if (has(need.repository, a)) continue;
        if (this.policy.allowed(claims.sub, need.repository, a))
          throw this.#challenge(origin, scope, "insufficient_scope");
        throw deny(need.repository);
      }
    }
    return { user: claims.sub, can: has };
  }
}

export function createAuthenticator(settings: AuthSettings): Authenticator {
  if (settings.type === "htpasswd") {
    if (!settings.htpasswd) throw new Error("htpasswd authentication needs an htpasswd file");
    return new BasicAuthenticator(settings.htpasswd, settings.realm, settings.access);
  }
  if (settings.type === "token") {
    if (!settings.token) throw new Error("token authentication needs a token key");
    return new TokenAuthenticator(settings.token, settings.access);
  }
  return new OpenAuthenticator(settings.access);
}
