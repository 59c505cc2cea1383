// Registry answers as errors: the distribution spec's `{"errors":[{code,message,detail}]}` becomes a HoistError
// whose message reads as docker prints it (`manifest unknown: manifest unknown`).
import { HoistError, type ErrorCode } from "../../errors.ts";
import { readBody, type HttpResponse } from "../../http/index.ts";

interface SpecError {
  code?: string;
  message?: string;
  detail?: unknown;
}

const codeMap: Record<string, ErrorCode> = {
  UNAUTHORIZED: "UNAUTHORIZED",
  DENIED: "DENIED",
  MANIFEST_UNKNOWN: "NOT_FOUND",
  NAME_UNKNOWN: "NOT_FOUND",
  BLOB_UNKNOWN: "NOT_FOUND",
  BLOB_UPLOAD_UNKNOWN: "NOT_FOUND",
  DIGEST_INVALID: "DIGEST_INVALID",
  SIZE_INVALID: "SIZE_INVALID",
  NAME_INVALID: "INVALID_REFERENCE",
  TAG_INVALID: "INVALID_REFERENCE",
  UNSUPPORTED: "UNSUPPORTED",
};

/** The spec's error codes of a response body, if it has them. */
export function parseSpecErrors(body: Buffer): SpecError[] {
  try {
    const v = JSON.parse(body.toString("utf8")) as { errors?: unknown; details?: unknown; message?: unknown };
    if (Array.isArray(v.errors)) return v.errors.filter((e): e is SpecError => typeof e === "object" && e !== null);
    if (typeof v.details === "string") return [{ message: v.details }];
    if (typeof v.message === "string") return [{ message: v.message }];
  } catch {
    /* not JSON */
  }
  return [];
}

function statusCode(status: number): ErrorCode {
  if (status === 401) return "UNAUTHORIZED";
  if (status === 403) return "DENIED";
  if (status === 404) return "NOT_FOUND";
  return "REGISTRY";
}

function describe(e: SpecError): string {
  const code = e.code ? e.code.toLowerCase().replace(/_/g, " ") : "";
  const msg = e.message ?? "";
  return code && msg ? `${code}: ${msg}` : code || msg;
}

/** Read an unexpected response and turn it into an error; `context` prefixes the message when given. */
export async function responseError(res: HttpResponse, context?: string): Promise<HoistError> {
  let body: Buffer = Buffer.alloc(0);
  try {
    body = await readBody(res, 64 << 10);
  } catch {
    /* keep what the status says */
  }
  const errors = parseSpecErrors(body);
  const first = errors[0];
  let code = statusCode(res.status);
  if (first?.code && codeMap[first.code]) code = codeMap[first.code] as ErrorCode;
  let text = errors.map(describe).filter(Boolean).join(", ");
  if (!text) {
    const plain = body.toString("utf8").trim();
    const fallback =
      res.status === 401
        ? "unauthorized: authentication required"
        : res.status === 403
          ? "denied: requested access to the resource is denied"
          : `${res.status} ${plain && plain.length < 200 && !plain.startsWith("<") ? plain : statusText(res.status)}`;
    text = fallback;
  }
  // An auth failure says all there is to say; the step it happened at is noise.
  const prefix = context && code !== "UNAUTHORIZED" && code !== "DENIED" ? `${context}: ` : "";
  return Object.assign(new HoistError(code, `${prefix}${text}`), { status: res.status });
}

function statusText(status: number): string {
  const t: Record<number, string> = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    416: "Range Not Satisfiable",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
  };
  return t[status] ?? "Unexpected Response";
}

/** An error from a response whose status says trying again may work (5xx, 429). */
export function isRetryableResponseError(e: unknown): boolean {
  const status = (e as { status?: unknown })?.status;
  return typeof status === "number" && (status === 429 || status >= 500);
}
