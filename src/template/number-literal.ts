// Number literals as Go's template parser reads them: 42, -1, 0x1F, 0o17, 017, 0b101, 1_000, 1.5, 1e3, 'a'.
import { quote, unquoteChar } from "./quote.ts";

const maxUint64 = 18446744073709551615n;

function integer(text: string): bigint | undefined {
  const neg = text.startsWith("-");
  const s = text.replace(/^[+-]/, "");
  if (/(^_|_$|__)/.test(s.replace(/^0[xXoObB]_?/, "0"))) return undefined;
  const digits = s.replaceAll("_", "");
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(digits)) v = BigInt(digits);
  else if (/^0[oO][0-7]+$/.test(digits)) v = BigInt("0o" + digits.slice(2));
  else if (/^0[bB][01]+$/.test(digits)) v = BigInt(digits);
  else if (/^0[0-7]+$/.test(digits)) v = BigInt("0o" + digits.slice(1));
  else if (/^[0-9]+$/.test(digits) && !/^0\d/.test(digits)) v = BigInt(digits);
  else return undefined;
  if (v > maxUint64) return undefined;
  return neg ? -v : v;
}

/** The value of a number or character-constant token. Throws an Error worded like Go's. */
export function parseNumber(text: string, isChar: boolean): number {
  if (isChar) return unquoteChar(text);
  if (text.endsWith("i")) throw new Error(`complex numbers are not supported: ${quote(text)}`);
  const int = integer(text);
  if (int !== undefined) return Number(int);
  const s = text.replaceAll("_", "");
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    if (!/[.eE]/.test(s)) throw new Error(`integer overflow: ${quote(text)}`);
    return Number(s);
  }
  throw new Error(`illegal number syntax: ${quote(text)}`);
}
