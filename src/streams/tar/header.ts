// One 512-byte tar header block: field layout, numbers (octal and base-256), checksum.
// Layout (ustar): name 0/100, mode 100/8, uid 108/8, gid 116/8, size 124/12, mtime 136/12, chksum 148/8,
// typeflag 156, linkname 157/100, magic 257/6, version 263/2, uname 265/32, gname 297/32,
// devmajor 329/8, devminor 337/8, prefix 345/155. GNU tar uses magic "ustar  \0" and no prefix.

export const BLOCK = 512;

/** The fields that every header block holds. */
interface HeaderFields {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  uname: string;
  gname: string;
}

/** The fields of one header block, before PAX records or GNU long names are applied. */
export interface RawHeader extends HeaderFields {
  devmajor: number;
  devminor: number;
  /** ustar, gnu, or v7 (no magic). */
  format: "ustar" | "gnu" | "v7";
}

export function isZeroBlock(b: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

/** True when the stored checksum matches the unsigned (or, as some old tars wrote, signed) byte sum. */
export function checksumValid(b: Uint8Array): boolean {
  const stored = parseNumeric(b, 148, 8);
  let unsigned = 8 * 0x20;
  let signed = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) {
    if (i >= 148 && i < 156) continue;
    const v = b[i] as number;
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  return stored === unsigned || stored === signed;
}

/** A NUL-terminated string field. */
export function parseString(b: Buffer, off: number, len: number): string {
  const nul = b.indexOf(0, off);
  const end = nul < 0 || nul > off + len ? off + len : nul;
  return b.toString("utf8", off, end);
}

/**
 * A numeric field: octal ASCII (leading spaces, terminated by NUL or space) or GNU base-256
 * (first byte 0x80 positive, 0xff negative). NaN when malformed or not a safe integer.
 */
export function parseNumeric(b: Uint8Array, off: number, len: number): number {
  const first = b[off] as number;
  if (first & 0x80) {
    const negative = (first & 0x40) !== 0;
    let v = negative ? ~first & 0x3f : first & 0x3f;
    for (let i = off + 1; i < off + len; i++) {
      const byte = b[i] as number;
      v = v * 256 + (negative ? ~byte & 0xff : byte);
      if (v > Number.MAX_SAFE_INTEGER) return NaN;
    }
    return negative ? -(v + 1) : v;
  }
  let i = off;
  const end = off + len;
  while (i < end && b[i] === 0x20) i++;
  let v = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = b[i] as number;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) return NaN;
    v = v * 8 + (c - 0x30);
    digits++;
  }
  for (; i < end; i++) if (b[i] !== 0 && b[i] !== 0x20) return NaN;
  return digits === 0 ? 0 : v;
}

/** Decode a block whose checksum has been verified. Numeric fields may be NaN; the caller names the field. */
export function decodeHeader(b: Buffer): RawHeader {
  const magic = b.toString("latin1", 257, 263);
  const version = b.toString("latin1", 263, 265);
  const format = magic === "ustar\0" ? "ustar" : magic === "ustar " && version === " \0" ? "gnu" : "v7";
  let name = parseString(b, 0, 100);
  if (format === "ustar" && b[345] !== 0) name = `${parseString(b, 345, 155)}/${name}`;
  const typeflag = b[156] === 0 ? "0" : String.fromCharCode(b[156] as number);
  const modern = format !== "v7";
  return {
    name,
    mode: parseNumeric(b, 100, 8),
    uid: parseNumeric(b, 108, 8),
    gid: parseNumeric(b, 116, 8),
    size: parseNumeric(b, 124, 12),
    mtime: parseNumeric(b, 136, 12),
    typeflag,
    linkname: parseString(b, 157, 100),
    uname: modern ? parseString(b, 265, 32) : "",
    gname: modern ? parseString(b, 297, 32) : "",
    devmajor: modern ? parseNumeric(b, 329, 8) : 0,
    devminor: modern ? parseNumeric(b, 337, 8) : 0,
    format,
  };
}

/** The largest value an octal field of `len` bytes (len-1 digits + NUL) holds. */
export function octalMax(len: number): number {
  return 8 ** (len - 1) - 1;
}

export interface UstarFields extends HeaderFields {
  prefix: string;
  /** Written only when defined (devices). */
  devmajor: number | undefined;
  devminor: number | undefined;
}

/** Encode a ustar block into `b` at `off` (which must be zeroed). Values must fit; the caller moves the rest to PAX. */
export function encodeHeader(h: UstarFields, b: Buffer = Buffer.alloc(BLOCK), off = 0): Buffer {
  b.write(h.name, off, 100, "utf8");
  writeOctal(b, off + 100, 8, h.mode);
  writeOctal(b, off + 108, 8, h.uid);
  writeOctal(b, off + 116, 8, h.gid);
  writeOctal(b, off + 124, 12, h.size);
  writeOctal(b, off + 136, 12, h.mtime);
  b[off + 156] = h.typeflag.charCodeAt(0);
  b.write(h.linkname, off + 157, 100, "utf8");
  b.write("ustar\x0000", off + 257, 8, "latin1");
  b.write(h.uname, off + 265, 32, "utf8");
  b.write(h.gname, off + 297, 32, "utf8");
  if (h.devmajor !== undefined) writeOctal(b, off + 329, 8, h.devmajor);
  if (h.devminor !== undefined) writeOctal(b, off + 337, 8, h.devminor);
  b.write(h.prefix, off + 345, 155, "utf8");
  let sum = 8 * 0x20;
  for (let i = off; i < off + BLOCK; i++) sum += b[i] as number;
  b.write(`${sum.toString(8).padStart(6, "0")}\0 `, off + 148, 8, "latin1");
  return b;
}

function writeOctal(b: Buffer, off: number, len: number, v: number): void {
  b.write(`${v.toString(8).padStart(len - 1, "0")}\0`, off, len, "latin1");
}
