// The hexadecimal digits of pi's fraction, as 32-bit words: Blowfish's initial P-array and S-boxes.
// Computed once with Machin's formula in fixed-point BigInt arithmetic instead of shipping a 4 KiB table.

let cached: Uint32Array | undefined;

function arctanInverse(x: bigint, one: bigint): bigint {
  const x2 = x * x;
  let term = one / x;
  let sum = 0n;
  for (let n = 0n; term !== 0n; n++) {
    sum += n % 2n === 0n ? term / (2n * n + 1n) : -(term / (2n * n + 1n));
    term /= x2;
  }
  return sum;
}

/** The first `count` 32-bit words of pi's fractional part (count ≤ 1042 is all Blowfish needs). */
export function piWords(count = 1042): Uint32Array {
  if (cached && cached.length >= count) return cached.subarray(0, count);
  const guard = 64n;
  const bits = BigInt(count * 32) + guard;
  const one = 1n << bits;
  const pi = 16n * arctanInverse(5n, one) - 4n * arctanInverse(239n, one);
  const fraction = (pi - 3n * one) >> guard;
  const words = new Uint32Array(count);
  for (let i = 0; i < count; i++) words[i] = Number((fraction >> BigInt((count - 1 - i) * 32)) & 0xffffffffn);
  cached = words;
  return words;
}
