// The distribution spec's error codes, their HTTP statuses, and the one table that maps any error to them.
import { HoistError, errnoCode } from "../errors.ts";

export type RegistryErrorCode =
  | "BLOB_UNKNOWN"
  | "BLOB_UPLOAD_INVALID"
  | "BLOB_UPLOAD_UNKNOWN"
  | "DIGEST_INVALID"
  | "MANIFEST_BLOB_UNKNOWN"
  | "MANIFEST_INVALID"
  | "MANIFEST_UNKNOWN"
  | "NAME_INVALID"
  | "NAME_UNKNOWN"
  | "SIZE_INVALID"
  | "TAG_INVALID"
  | "UNAUTHORIZED"
  | "DENIED"
  | "UNSUPPORTED"
  | "TOOMANYREQUESTS"
  | "RANGE_INVALID"
  | "TOO_LARGE"
  | "METHOD_UNKNOWN"
  | "INTERNAL";

interface CodeInfo {
  status: number;
  /** The code written in the JSON body (spec codes only). */
  wire: string;
  message: string;
}

const table: Record<RegistryErrorCode, CodeInfo> = {
  BLOB_UNKNOWN: { status: 404, wire: "BLOB_UNKNOWN", message: "blob unknown to registry" },
  BLOB_UPLOAD_INVALID: { status: 400, wire: "BLOB_UPLOAD_INVALID", message: "blob upload invalid" },
  BLOB_UPLOAD_UNKNOWN: { status: 404, wire: "BLOB_UPLOAD_UNKNOWN", message: "blob upload unknown to registry" },
  DIGEST_INVALID: { status: 400, wire: "DIGEST_INVALID", message: "provided digest did not match uploaded content" },
  MANIFEST_BLOB_UNKNOWN: {
    status: 400,
    wire: "MANIFEST_BLOB_UNKNOWN",
    message: "manifest references a blob unknown to this repository",
  },
  MANIFEST_INVALID: { status: 400, wire: "MANIFEST_INVALID", message: "manifest invalid" },
  MANIFEST_UNKNOWN: { status: 404, wire: "MANIFEST_UNKNOWN", message: "manifest unknown" },
  NAME_INVALID: { status: 400, wire: "NAME_INVALID", message: "invalid repository name" },
  NAME_UNKNOWN: { status: 404, wire: "NAME_UNKNOWN", message: "repository name not known to registry" },
  SIZE_INVALID: { status: 400, wire: "SIZE_INVALID", message: "provided length did not match content length" },
  TAG_INVALID: { status: 400, wire: "TAG_INVALID", message: "invalid tag" },
  UNAUTHORIZED: { status: 401, wire: "UNAUTHORIZED", message: "authentication required" },
  DENIED: { status: 403, wire: "DENIED", message: "requested access to the resource is denied" },
  UNSUPPORTED: { status: 405, wire: "UNSUPPORTED", message: "the operation is unsupported" },
  TOOMANYREQUESTS: { status: 429, wire: "TOOMANYREQUESTS", message: "too many requests" },
  RANGE_INVALID: { status: 416, wire: "BLOB_UPLOAD_INVALID", message: "requested range not satisfiable" },
  TOO_LARGE: { status: 413, wire: "SIZE_INVALID", message: "request body too large" },
  METHOD_UNKNOWN: { status: 405, wire: "UNSUPPORTED", message: "method not allowed" },
  INTERNAL: { status: 500, wire: "UNKNOWN", message: "internal server error" },
};

export interface RegistryErrorOptions {
  detail?: unknown;
  /** Overrides the code's usual status (a 404 for a tag that cannot exist, say). */
  status?: number;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  readonly status: number;
  readonly detail: unknown;
  readonly headers: Record<string, string>;

  constructor(code: RegistryErrorCode, message?: string, options: RegistryErrorOptions = {}) {
    super(message ?? table[code].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RegistryError";
    this.code = code;
    this.status = options.status ?? table[code].status;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }

  get wireCode(): string {
    return table[this.code].wire;
  }
}

const fromHoist: Partial<Record<string, RegistryErrorCode>> = {
  DIGEST_INVALID: "DIGEST_INVALID",
  SIZE_INVALID: "SIZE_INVALID",
  BUDGET_EXCEEDED: "TOO_LARGE",
  UNAUTHORIZED: "UNAUTHORIZED",
  DENIED: "DENIED",
  UNSUPPORTED: "UNSUPPORTED",
  INVALID_REFERENCE: "NAME_INVALID",
  BAD_ARCHIVE: "MANIFEST_INVALID",
};

/** Any thrown value as a RegistryError: the one place errors meet the spec's codes. */
export function toRegistryError(e: unknown): RegistryError {
  if (e instanceof RegistryError) return e;
  if (e instanceof HoistError) {
    const code = fromHoist[e.code];
    if (code) return new RegistryError(code, e.message, { cause: e });
  }
  if (errnoCode(e) === "ENOSPC") return new RegistryError("INTERNAL", "storage is full", { status: 507, cause: e });
  return new RegistryError("INTERNAL", undefined, { cause: e });
}

/** The JSON body the spec defines for errors. */
export function errorBody(e: RegistryError): string {
  const entry: Record<string, unknown> = { code: e.wireCode, message: e.message };
  if (e.detail !== undefined) entry.detail = e.detail;
  return JSON.stringify({ errors: [entry] });
}
