// Retries with exponential backoff on 5xx, 429 and dropped connections, for requests whose body can be resent.
import { setTimeout as sleep } from "node:timers/promises";
import { discard } from "./body.ts";
import { isTransientNetworkError } from "./network-error.ts";
import { replayable, type Interceptor } from "./types.ts";

export interface RetryOptions {
  /** Tries in all, the first included (default 5). */
  attempts?: number;
  /** First backoff; doubled each time, with jitter (default 200 ms). */
  baseMs?: number;
  /** Longest single wait, Retry-After included (default 10 s). */
  maxMs?: number;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRY_STATUS.has(status);
}

/** The wait before try `attempt + 1` (attempt counts from 1). */
export function backoffMs(attempt: number, options: RetryOptions = {}): number {
  const base = options.baseMs ?? 200;
  const max = options.maxMs ?? 10_000;
  const exp = base * 2 ** (attempt - 1);
  return Math.min(max, exp / 2 + Math.random() * (exp / 2));
}

/** Retry-After in ms (seconds or an HTTP date), capped. */
export function retryAfterMs(value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const secs = Number(value);
  const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) ? Math.max(0, Math.min(max, ms)) : undefined;
}

export function retry(options: RetryOptions = {}): Interceptor {
  const attempts = options.attempts ?? 5;
  const max = options.maxMs ?? 10_000;
  return (next) => async (req) => {
    if (!replayable(req.body)) return next(req);
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await next(req);
        if (attempt >= attempts || !isRetryableStatus(res.status)) return res;
        const wait = retryAfterMs(res.headers["retry-after"], max) ?? backoffMs(attempt, options);
        await discard(res);
        await sleep(wait, undefined, req.signal ? { signal: req.signal } : {});
      } catch (e) {
        if (attempt >= attempts || !isTransientNetworkError(e) || req.signal?.aborted) throw e;
        await sleep(backoffMs(attempt, options), undefined, req.signal ? { signal: req.signal } : {});
      }
    }
  };
}
