// Terminal column width of a string, close to go-runewidth's StringWidth (East Asian ambiguous = 1):
// wide and fullwidth characters and emoji take 2 columns; combining marks, format and control characters 0.

const zeroWidth = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]$/u;
const emoji = /^\p{Emoji_Presentation}$/u;

// East Asian Wide (W) and Fullwidth (F) blocks, as [first, last] code points.
const wide: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

function runeWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp >= 0x20 && cp < 0x7f) return 1;
  if (zeroWidth.test(ch) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (emoji.test(ch)) return 2;
  for (const [lo, hi] of wide) {
    if (cp < lo) break;
    if (cp <= hi) return 2;
  }
  return 1;
}

export function displayWidth(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) n++;
    else {
      const cp = s.codePointAt(i) ?? 0;
      n += runeWidth(String.fromCodePoint(cp));
      if (cp > 0xffff) i++;
    }
  }
  return n;
}
