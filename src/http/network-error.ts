// Which failures are worth another try: dropped connections and the like, never TLS or DNS answers.
import { errnoCode } from "../errors.ts";

const transient = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_SOCKET",
  "HPE_INVALID_CHUNK_SIZE",
]);

/** A connection-level failure (reset, closed early, timed out) that a retry may get past. */
export function isTransientNetworkError(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur !== undefined && cur !== null && depth < 5; depth++) {
    const code = errnoCode(cur);
    if (code !== undefined && transient.has(code)) return true;
    const msg = (cur as { message?: unknown }).message;
    if (typeof msg === "string" && /socket hang up|premature close|aborted/i.test(msg) && !isAbort(cur)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

/** The caller aborted (AbortSignal): never retried. */
export function isAbort(e: unknown): boolean {
  return (e as { name?: unknown })?.name === "AbortError";
}
