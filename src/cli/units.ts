// Sizes and durations printed the way docker prints them (go-units).

/** Go's %.*g: `precision` significant digits, trailing zeros dropped, exponent form when Go would use it. */
export function goG(x: number, precision: number): string {
  if (x === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(x)));
  let s = x.toPrecision(precision);
  const rounded = Number(s);
  const realExp = rounded === 0 ? 0 : Math.floor(Math.log10(Math.abs(rounded)));
  if (realExp < -4 || realExp >= precision) {
    const [mant = "", e = "0"] = x.toExponential(precision - 1).split("e");
    const m = mant.includes(".") ? mant.replace(/\.?0+$/, "") : mant;
    const n = Number(e);
    return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  void exp;
  if (s.includes(".")) s = s.replace(/\.?0+$/, "");
  return s;
}

const decimalUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
const binaryUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];

function scale(size: number, base: number, units: string[]): [number, string] {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return [size, units[i] as string];
}

/** go-units HumanSizeWithPrecision: decimal units, e.g. 133MB, 4.86kB. */
export function humanSize(bytes: number, precision = 4): string {
  const [v, u] = scale(bytes, 1000, decimalUnits);
  return `${goG(v, precision)}${u}`;
}

/** go-units BytesSize: binary units, e.g. 1.5GiB. */
export function bytesSize(bytes: number): string {
  const [v, u] = scale(bytes, 1024, binaryUnits);
  return `${goG(v, 4)}${u}`;
}

/** go-units HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60000);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3600000 + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3600000 / 24 / 365)} years`;
}

/** "2 weeks ago", or "N/A" for an unknown time. */
export function ago(iso: string | undefined, now = Date.now()): string {
  const t = iso ? Date.parse(iso) : NaN;
  if (!Number.isFinite(t) || t <= 0) return "N/A";
  return `${humanDuration(Math.max(0, now - t))} ago`;
}

/** Parse a docker-style size ("10m", "1.5g", "512k", "100") into bytes. */
export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?$/i.exec(s.trim());
  if (!m) throw new Error(`invalid size: '${s}'`);
  const mult =
    { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }[(m[2] ?? "").toLowerCase()] ?? 1;
  return Math.round(Number(m[1]) * mult);
}
