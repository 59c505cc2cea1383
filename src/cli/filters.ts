// `--filter key=value` parsing and the time formats docker prints.
import { HoistError } from "../errors.ts";

/** Parse repeated --filter flags into key → values, refusing keys the command does not know. */
export function parseFilters(raw: string[], allowed: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of raw) {
    const eq = f.indexOf("=");
    if (eq <= 0) throw new HoistError("INVALID_ARGUMENT", `bad format of filter (expected name=value)`);
    const key = f.slice(0, eq).toLowerCase();
    if (!allowed.includes(key)) throw new HoistError("INVALID_ARGUMENT", `invalid filter '${key}'`);
    out.set(key, [...(out.get(key) ?? []), f.slice(eq + 1)]);
  }
  return out;
}

/** Go's time.Time.String() in UTC: "2024-01-01 00:00:00 +0000 UTC". */
export function goTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 UTC`;
}

/** "until=24h", "until=2024-01-01T00:00:00Z" or a unix timestamp → epoch ms. */
export function parseUntil(v: string, now = Date.now()): number {
  const m = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$/.exec(v);
  if (m) {
    const mult = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "s"];
    return now - Number(m[1]) * mult;
  }
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new HoistError("INVALID_ARGUMENT", `failed to parse value as time or duration: "${v}"`);
  return t;
}
