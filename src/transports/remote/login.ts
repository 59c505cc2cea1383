// Checking credentials before they are saved: ping /v2/, then authenticate the way the registry asks
// (Basic, or a Bearer token from its realm, asking for a refresh token to keep instead of the password).
import { HoistError } from "../../errors.ts";
import { discard, type Credentials } from "../../http/index.ts";
import { RegistryClient, type RemoteOptions } from "./client.ts";
import { responseError } from "./errors.ts";

export interface LoginResult {
  /** A refresh token the token server gave: saved as the identity token instead of the password. */
  identityToken?: string;
}

export async function checkLogin(
  registry: string,
  credentials: Credentials,
  options: RemoteOptions & { signal?: AbortSignal } = {},
): Promise<LoginResult> {
  const client = new RegistryClient(registry, { ...options, credentials, offline: true });
  const signal = options.signal ? { signal: options.signal } : {};
  await client.ping(options.signal);
  if (client.auth.scheme === "bearer") await client.auth.header([], options.signal);
  const res = await client.send({ method: "GET", path: "/v2/", ...signal });
  if (res.status === 401 || res.status === 403) throw await responseError(res);
  if (res.status >= 300) throw await responseError(res, `login to ${registry}`);
  await discard(res);
  if (client.auth.scheme === undefined && res.status !== 200)
    throw new HoistError("REGISTRY", `login to ${registry}: unexpected answer ${res.status}`);
  return client.auth.refreshToken ? { identityToken: client.auth.refreshToken } : {};
}
