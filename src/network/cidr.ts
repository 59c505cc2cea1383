// IPv4 CIDR arithmetic for subnets: parse, print, overlap.
import { HoistError } from "../errors.ts";

export function parseIp(s: string): number {
  const p = s.split(".");
  if (p.length !== 4 || p.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255))
    throw new HoistError("INVALID_ARGUMENT", `invalid IPv4 address: ${s}`);
  return p.reduce((a, x) => a * 256 + Number(x), 0) >>> 0;
}

export function ipToString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** The network's first address and prefix length; a bare address is a /32. */
export function parseCidr(s: string): { base: number; prefix: number } {
  const [ip = "", len] = s.split("/");
  const prefix = len === undefined ? 32 : Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32 || (len !== undefined && !/^\d+$/.test(len)))
    throw new HoistError("INVALID_ARGUMENT", `invalid CIDR address: ${s}`);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (parseIp(ip) & mask) >>> 0, prefix };
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  const p = Math.min(x.prefix, y.prefix);
  const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
  return (x.base & mask) >>> 0 === (y.base & mask) >>> 0;
}
