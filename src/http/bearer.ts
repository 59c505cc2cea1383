// Docker's token auth: trade credentials (or nothing: anonymous) for a Bearer token at the challenge's realm,
// by GET with Basic auth, or by OAuth2 POST with a refresh (identity) token.
import { HoistError } from "../errors.ts";
import { basicHeader } from "./basic.ts";
import { readBody } from "./body.ts";
import type { Credentials } from "./credentials.ts";
import type { Fetch, HttpResponse } from "./types.ts";

export interface TokenRequest {
  realm: string;
  service?: string;
  scopes: string[];
  credentials?: Credentials;
  /** Ask for a refresh token too (login stores it instead of the password). */
  offline?: boolean;
  clientId?: string;
  signal?: AbortSignal;
}

export interface Token {
  token: string;
  /** ms since the epoch after which the token should not be sent. */
  expiresAt: number;
  refreshToken?: string;
}

interface TokenResponse {
  token?: string;
  access_token?: string;
  expires_in?: number;
  issued_at?: string;
  refresh_token?: string;
}

const MIN_LIFETIME_S = 60;

export async function fetchToken(fetch: Fetch, req: TokenRequest): Promise<Token> {
  const realm = parseRealm(req.realm);
  const clientId = req.clientId ?? "hoist";
  const creds = req.credentials;
  let res: HttpResponse;
  if (creds?.identityToken) {
    const form = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: creds.identityToken,
      client_id: clientId,
    });
    if (req.service) form.set("service", req.service);
    if (req.scopes.length) form.set("scope", req.scopes.join(" "));
    if (req.offline) form.set("access_type", "offline");
    res = await fetch({
      method: "POST",
      url: realm,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      ...(req.signal ? { signal: req.signal } : {}),
    });
  } else {
    const url = new URL(realm);
    if (req.service) url.searchParams.set("service", req.service);
    for (const s of req.scopes) url.searchParams.append("scope", s);
    const headers: Record<string, string> = {};
    if (creds?.username !== undefined && creds.password !== undefined) {
      headers["authorization"] = basicHeader(creds.username, creds.password);
      if (req.offline) {
        url.searchParams.set("offline_token", "true");
        url.searchParams.set("client_id", clientId);
      }
    }
    res = await fetch({ method: "GET", url, headers, ...(req.signal ? { signal: req.signal } : {}) });
  }
  const body = await readBody(res, 1 << 20);
  if (res.status !== 200) throw tokenError(res, body);
  let parsed: TokenResponse;
  try {
    parsed = JSON.parse(body.toString("utf8")) as TokenResponse;
  } catch {
    throw new HoistError("REGISTRY", `token server ${realm.host} answered with invalid JSON`);
  }
  const token = parsed.token || parsed.access_token;
  if (!token) throw new HoistError("REGISTRY", `token server ${realm.host} answered without a token`);
  const lifetime = Math.max(MIN_LIFETIME_S, Number(parsed.expires_in) || 0);
  const issued = parsed.issued_at ? Date.parse(parsed.issued_at) : NaN;
  const start = Number.isFinite(issued) && Math.abs(issued - Date.now()) < 3600_000 ? issued : Date.now();
  return {
    token,
    expiresAt: start + lifetime * 1000,
    ...(parsed.refresh_token ? { refreshToken: parsed.refresh_token } : {}),
  };
}

function parseRealm(realm: string): URL {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new HoistError("REGISTRY", `invalid token realm ${JSON.stringify(realm)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new HoistError("REGISTRY", `invalid token realm ${JSON.stringify(realm)}`);
  return url;
}

function tokenError(res: HttpResponse, body: Buffer): HoistError {
  let detail: string;
  try {
    const j = JSON.parse(body.toString("utf8")) as {
      details?: string;
      error?: string;
      error_description?: string;
      errors?: { code?: string; message?: string }[];
    };
    const e = j.errors?.[0];
    detail = e?.message ?? j.details ?? j.error_description ?? j.error ?? "";
  } catch {
    detail = body.toString("utf8").trim().slice(0, 200);
  }
  if (res.status === 401)
    return new HoistError("UNAUTHORIZED", `unauthorized: ${detail || "incorrect username or password"}`);
  if (res.status === 403) return new HoistError("DENIED", `denied: ${detail || "access to the resource is denied"}`);
  return new HoistError(
    "REGISTRY",
    `token server ${res.url.host} answered ${res.status}${detail ? `: ${detail}` : ""}`,
  );
}
