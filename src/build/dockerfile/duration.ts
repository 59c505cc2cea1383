// Go's time.ParseDuration, used by HEALTHCHECK's --interval, --timeout, --start-period and --start-interval.
import { goQuote } from "./go-text.ts";

const unitNs: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n, // micro sign
  "\u03bcs": 1_000n, // Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const maxNs = 1n << 63n;

/** `1m30s`, `1.5h`, `300ms`, `-2s` → nanoseconds; throws a plain Error with Go's message. */
export function parseDuration(text: string): number {
  const invalid = () => new Error(`time: invalid duration ${goQuote(text)}`);
  let s = text;
  let negative = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s.startsWith("-");
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") throw invalid();
  let total = 0n;
  while (s !== "") {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s);
    const whole = m?.[1] ?? "";
    const fraction = m?.[2];
    if (m === null || (whole === "" && (fraction === undefined || fraction === ""))) throw invalid();
    s = s.slice(m[0].length);
    let i = 0;
    while (i < s.length && !/[0-9.]/.test(s[i] ?? "")) i++;
    if (i === 0) throw new Error(`time: missing unit in duration ${goQuote(text)}`);
    const unitName = s.slice(0, i);
    const unit = unitNs[unitName];
    if (unit === undefined) throw new Error(`time: unknown unit ${goQuote(unitName)} in duration ${goQuote(text)}`);
    s = s.slice(i);
    let value = BigInt(whole === "" ? "0" : whole) * unit;
    if (fraction !== undefined && fraction !== "") {
      value += BigInt(Math.trunc(Number(`0.${fraction}`) * Number(unit)));
    }
    total += value;
    if (total > maxNs) throw invalid();
  }
  if (!negative && total === maxNs) throw invalid();
  return Number(negative ? -total : total);
}
