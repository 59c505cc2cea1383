// strconv.FormatFloat(x, fmt, prec, 64) for fmt e/E/f/F/g/G; prec < 0 means "shortest that round-trips".
// Shortest digits come from JS (toExponential()); fixed precision is rounded exactly, half to even, as Go does
// (%.0f of 2.5 is "2", %.2f of 0.125 is "0.12").

/** value = 0.d × 10^dp; `d` has no trailing zeros; zero is { d: "", dp: 0 }. */
interface Decimal {
  readonly d: string;
  readonly dp: number;
}

function decimal(exponential: string): Decimal {
  const [mantissa = "0", exp = "0"] = exponential.split("e");
  const d = mantissa.replace(".", "").replace(/0+$/, "");
  return d === "" ? { d: "", dp: 0 } : { d, dp: Number(exp) + 1 };
}

/** Shortest decimal that round-trips (abs value). */
function shortest(a: number): Decimal {
  return a === 0 ? { d: "", dp: 0 } : decimal(a.toExponential());
}

const view = new DataView(new ArrayBuffer(8));

/** round(a × 10^k), half to even, computed exactly (a finite and > 0). */
function roundScaled(a: number, k: number): bigint {
  view.setFloat64(0, a);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const mant = biased === 0 ? fraction : fraction | (1n << 52n);
  const exp = (biased === 0 ? 1 : biased) - 1075;
  let num = mant * (k >= 0 ? 10n ** BigInt(k) : 1n);
  let den = k < 0 ? 10n ** BigInt(-k) : 1n;
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  let q = num / den;
  const twice = 2n * (num - q * den);
  if (twice > den || (twice === den && (q & 1n) === 1n)) q++;
  return q;
}

/** Rounded to n significant digits (abs value). */
function significant(a: number, n: number): Decimal {
  if (a === 0) return { d: "", dp: 0 };
  let e10 = decimal(a.toExponential()).dp - 1;
  let digits = roundScaled(a, n - 1 - e10).toString();
  if (digits.length > n) {
    e10++;
    digits = digits.slice(0, n);
  }
  const d = digits.replace(/0+$/, "");
  return d === "" ? { d: "", dp: 0 } : { d, dp: e10 + 1 };
}

function fmtE(x: Decimal, prec: number, e: string): string {
  let s = x.d[0] ?? "0";
  if (prec > 0) s += "." + x.d.slice(1, 1 + prec).padEnd(prec, "0");
  const exp = x.d === "" ? 0 : x.dp - 1;
  return `${s}${e}${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

function fmtF(x: Decimal, prec: number): string {
  let s = x.dp > 0 ? x.d.slice(0, x.dp).padEnd(x.dp, "0") : "0";
  if (prec > 0) {
    s += ".";
    for (let j = 0; j < prec; j++) s += x.d[x.dp + j] ?? "0";
  }
  return s;
}

function fixed(a: number, prec: number): string {
  const digits =
    a === 0
      ? "0"
      : roundScaled(a, prec)
          .toString()
          .padStart(prec + 1, "0");
  if (prec === 0) return digits;
  const point = Math.max(digits.length - prec, 1);
  return digits.slice(0, point) + "." + digits.slice(point).padStart(prec, "0");
}

function general(a: number, prec: number, e: string): string {
  const isShortest = prec < 0;
  const x = isShortest ? shortest(a) : significant(a, prec === 0 ? 1 : prec);
  const nd = x.d.length;
  let p = isShortest ? nd : prec === 0 ? 1 : prec;
  let eprec = p;
  if (eprec > nd && nd >= x.dp) eprec = nd;
  if (isShortest) eprec = 6;
  const exp = x.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (p > nd) p = nd;
    return fmtE(x, p - 1, e);
  }
  if (p > x.dp) p = nd;
  return fmtF(x, Math.max(p - x.dp, 0));
}

export type FloatFormat = "e" | "E" | "f" | "F" | "g" | "G";

export function formatFloat(v: number, format: FloatFormat, prec: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  const sign = v < 0 || Object.is(v, -0) ? "-" : "";
  const a = Math.abs(v);
  switch (format) {
    case "e":
    case "E": {
      const x = prec < 0 ? shortest(a) : significant(a, prec + 1);
      return sign + fmtE(x, prec < 0 ? Math.max(x.d.length - 1, 0) : prec, format);
    }
    case "f":
    case "F": {
      if (prec >= 0) return sign + fixed(a, prec);
      const x = shortest(a);
      return sign + fmtF(x, Math.max(x.d.length - x.dp, 0));
    }
    case "g":
    case "G":
      return sign + general(a, prec, format === "g" ? "e" : "E");
  }
}

/** How Go prints a number with %v: integers in full, other floats as %g (1.5, 1e-05, 1.2345675e+06). */
export function formatNumber(v: number | bigint): string {
  if (typeof v === "bigint") return v.toString();
  if (Number.isInteger(v)) return Math.abs(v) < 1e21 ? String(v) : BigInt(v).toString();
  return formatFloat(v, "g", -1);
}
