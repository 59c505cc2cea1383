// The built-in token service (Docker's token spec): GET /token?service=&scope= with optional Basic credentials,
// or the OAuth2 password grant by POST. Grants are the requested actions the access rules allow.
import { randomBytes } from "node:crypto";
import type { AccessPolicy, Htpasswd, TokenSettings } from "../auth/index.ts";
import { parseScopes, signJwt } from "../auth/index.ts";
import type { ResourceAccess } from "../auth/index.ts";
import { RegistryError } from "../errors.ts";
import type { RequestContext } from "../http.ts";
import { readBody, sendJson } from "../http.ts";
import { isRepositoryName } from "../names.ts";

export interface TokenIssuer {
  settings: TokenSettings;
  users: Htpasswd | undefined;
  policy: AccessPolicy;
}

function basic(ctx: RequestContext): { user: string; password: string } | undefined {
  const h = ctx.req.headers.authorization;
  if (!h || !/^basic /i.test(h)) return undefined;
  const s = Buffer.from(h.slice(6).trim(), "base64").toString("utf8");
  const i = s.indexOf(":");
  return i < 0 ? { user: s, password: "" } : { user: s.slice(0, i), password: s.slice(i + 1) };
}

/** Signs a token for `user` holding whichever of the requested scopes the rules allow. */
export function issue(
  issuer: TokenIssuer,
  user: string | undefined,
  scopes: ResourceAccess[],
): { token: string; expiresIn: number; issuedAt: Date } {
  const access: ResourceAccess[] = [];
  for (const s of scopes) {
    if (s.type === "repository" && isRepositoryName(s.name)) {
      const actions = issuer.policy.granted(user, s.name, s.actions);
      if (actions.length > 0) access.push({ type: "repository", name: s.name, actions });
    } else if (s.type === "registry" && s.name === "catalog") {
      access.push({ type: "registry", name: "catalog", actions: ["*"] });
    }
  }
  const now = new Date();
  const iat = Math.floor(now.getTime() / 1000);
  const { settings } = issuer;
  const token = signJwt(settings.key, {
    iss: settings.issuer,
    sub: user ?? "",
    aud: settings.service,
    exp: iat + settings.expiry,
    nbf: iat - 10,
    iat,
    jti: randomBytes(16).toString("hex"),
    access,
  });
  return { token, expiresIn: settings.expiry, issuedAt: now };
}

export async function tokenEndpoint(issuer: TokenIssuer, ctx: RequestContext): Promise<void> {
  let params = ctx.query;
  let creds = basic(ctx);
  if (ctx.method === "POST") {
    params = new URLSearchParams((await readBody(ctx.req, 65536)).toString("utf8"));
    if (params.get("grant_type") !== "password")
      throw new RegistryError("UNSUPPORTED", "only the password grant is supported", { status: 400 });
    creds = { user: params.get("username") ?? "", password: params.get("password") ?? "" };
  }
  const service = params.get("service");
  if (service !== null && service !== issuer.settings.service)
    throw new RegistryError("DENIED", `unknown service ${JSON.stringify(service)}`, { status: 400 });
  if (creds && !issuer.users?.verify(creds.user, creds.password))
    throw new RegistryError("UNAUTHORIZED", "invalid username or password", {
      headers: { "WWW-Authenticate": `Basic realm=${JSON.stringify(issuer.settings.service)}` },
    });
  const scopes = ctx.method === "POST" ? parseScopes([params.get("scope") ?? ""]) : parseScopes(params.getAll("scope"));
  const t = issue(issuer, creds?.user, scopes);
  sendJson(ctx, 200, {
    token: t.token,
    access_token: t.token,
    expires_in: t.expiresIn,
    issued_at: t.issuedAt.toISOString(),
  });
}
