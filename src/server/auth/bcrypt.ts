// bcrypt ($2a$, $2b$, $2y$) as htpasswd files hold it: Blowfish's expensive key schedule over a salt and password.
import { timingSafeEqual } from "node:crypto";
import { piWords } from "./pi-words.ts";

const alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const hashShape = /^\$2[aby]\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/;
// "OrpheanBeholderScryDoubt" as six big-endian words.
const magic = Buffer.from("OrpheanBeholderScryDoubt", "latin1");

function encode(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] as number;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    out += alphabet[b0 >> 2];
    out += alphabet[((b0 & 3) << 4) | ((b1 ?? 0) >> 4)];
    if (b1 === undefined) break;
    out += alphabet[((b1 & 15) << 2) | ((b2 ?? 0) >> 6)];
    if (b2 === undefined) break;
    out += alphabet[b2 & 63];
  }
  return out;
}

function decode(s: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let bits = 0;
  let acc = 0;
  let n = 0;
  for (const ch of s) {
    acc = (acc << 6) | alphabet.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n < length) out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

class Blowfish {
  readonly p: Uint32Array;
  readonly s: Uint32Array;

  constructor() {
    const words = piWords();
    this.p = words.slice(0, 18);
    this.s = words.slice(18, 1042);
  }

  #f(x: number): number {
    const s = this.s;
    return (
      ((((s[x >>> 24] as number) + (s[256 + ((x >>> 16) & 0xff)] as number)) ^
        (s[512 + ((x >>> 8) & 0xff)] as number)) +
        (s[768 + (x & 0xff)] as number)) >>>
      0
    );
  }

  encipher(lr: Uint32Array, off: number): void {
    const p = this.p;
    let l = lr[off] as number;
    let r = lr[off + 1] as number;
    for (let i = 0; i < 16; i += 2) {
      l = (l ^ (p[i] as number)) >>> 0;
      r = (r ^ this.#f(l)) >>> 0;
      r = (r ^ (p[i + 1] as number)) >>> 0;
      l = (l ^ this.#f(r)) >>> 0;
    }
    lr[off] = (r ^ (p[17] as number)) >>> 0;
    lr[off + 1] = (l ^ (p[16] as number)) >>> 0;
  }

  /** Blowfish's key schedule; with a salt, bcrypt's salted variant. */
  expand(key: Uint8Array, salt?: Uint8Array): void {
    let kpos = 0;
    const keyWord = (): number => {
      let w = 0;
      for (let i = 0; i < 4; i++) {
        w = (w << 8) | (key[kpos] as number);
        kpos = (kpos + 1) % key.length;
      }
      return w >>> 0;
    };
    for (let i = 0; i < 18; i++) this.p[i] = ((this.p[i] as number) ^ keyWord()) >>> 0;
    let spos = 0;
    const saltWord = (): number => {
      if (!salt) return 0;
      let w = 0;
      for (let i = 0; i < 4; i++) {
        w = (w << 8) | (salt[spos] as number);
        spos = (spos + 1) % salt.length;
      }
      return w >>> 0;
    };
    const lr = new Uint32Array(2);
    const fill = (table: Uint32Array): void => {
      for (let i = 0; i < table.length; i += 2) {
        lr[0] = ((lr[0] as number) ^ saltWord()) >>> 0;
        lr[1] = ((lr[1] as number) ^ saltWord()) >>> 0;
        this.encipher(lr, 0);
        table[i] = lr[0] as number;
        table[i + 1] = lr[1] as number;
      }
    };
    fill(this.p);
    fill(this.s);
  }
}

/** The 23-byte bcrypt hash of a password (UTF-8, NUL-terminated, at most 72 bytes) for a salt and cost. */
function rawHash(password: string, salt: Uint8Array, cost: number): Uint8Array {
  const pw = Buffer.from(password, "utf8");
  const key = new Uint8Array(Math.min(pw.length + 1, 72));
  key.set(pw.subarray(0, key.length));
  const bf = new Blowfish();
  bf.expand(key, salt);
  for (let i = 0; i < 2 ** cost; i++) {
    bf.expand(key);
    bf.expand(salt);
  }
  const text = new Uint32Array(6);
  for (let i = 0; i < 6; i++) text[i] = magic.readUInt32BE(i * 4);
  for (let i = 0; i < 64; i++) for (let j = 0; j < 6; j += 2) bf.encipher(text, j);
  const out = Buffer.alloc(24);
  for (let i = 0; i < 6; i++) out.writeUInt32BE(text[i] as number, i * 4);
  return out.subarray(0, 23);
}

/** A `$2b$` hash of a password with a 16-byte salt. */
export function bcryptHash(password: string, salt: Uint8Array, cost = 10): string {
  if (salt.length !== 16) throw new Error("bcrypt salt must be 16 bytes");
  if (!Number.isInteger(cost) || cost < 4 || cost > 31) throw new Error("bcrypt cost must be 4..31");
  return `$2b$${String(cost).padStart(2, "0")}$${encode(salt)}${encode(rawHash(password, salt, cost))}`;
}

export function isBcryptHash(hash: string): boolean {
  return hashShape.test(hash);
}

/** Whether a password matches a bcrypt hash; false for anything that is not a bcrypt hash. */
export function bcryptVerify(password: string, hash: string): boolean {
  const m = hashShape.exec(hash);
  if (!m) return false;
  const cost = Number(m[1]);
  if (cost < 4 || cost > 31) return false;
  const salt = decode(m[2] as string, 16);
  const expected = Buffer.from(encode(rawHash(password, salt, cost)));
  const actual = Buffer.from(m[3] as string);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
