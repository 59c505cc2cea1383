// What every route handler gets: the store, the authenticator and the limits.
import type { Authenticator } from "./auth/index.ts";
import type { RequestContext } from "./http.ts";
import type { RegistryStore } from "./store/index.ts";
import type { TokenIssuer } from "./routes/token.ts";

export interface Limits {
  /** Largest manifest accepted (413 above). */
  maxManifestSize: number;
  /** Largest blob accepted, whatever way it is uploaded (413 above). */
  maxBlobSize: number;
  /** Most entries in one page of tags, catalog or search results (`n` is clamped to it). */
  maxPageSize: number;
  /** Most tags in one manifest PUT's `tag` parameters (414 above). */
  maxTagParams: number;
}

export const defaultLimits: Limits = {
  maxManifestSize: 4 << 20,
  maxBlobSize: 64 * 2 ** 30,
  maxPageSize: 1000,
  maxTagParams: 64,
};

export interface Registry {
  store: RegistryStore;
  auth: Authenticator;
  limits: Limits;
  token: TokenIssuer | undefined;
  deleteEnabled: boolean;
  readOnly: boolean;
}

export interface RouteRequest extends RequestContext {
  registry: Registry;
  /** The repository name from the path (validated). */
  name: string;
  /** The last path segment: a reference, digest or upload id. */
  ref: string;
}

export type Handler = (r: RouteRequest) => Promise<void>;
