import assert from "node:assert/strict";
import { test } from "node:test";
import { bcryptHash, bcryptVerify, isBcryptHash } from "./bcrypt.ts";
import { piWords } from "./pi-words.ts";

// Vectors made with libxcrypt's crypt(3), an independent implementation.
const vectors: [string, string][] = [
  ["password", "$2b$05$abcdefghijklmnopqrstuuWG29KuyeAicPCJODk1zjyGvyQUU2awu"],
  ["", "$2b$04$......................w74bL5gU7LSJClZClCa.Pkz14aTv/XO"],
  ["hoist-secret", "$2y$05$0123456789abcdefghijkeZo1H/uAUSvvKVBDgCQ.1tRVkuBeg3q2"],
  ["ünïcødé pässwörd", "$2a$06$ZZZZZZZZZZZZZZZZZZZZZuQbpeUtpHVNfPQHGYpb7e.jqm3gVlW5S"],
  ["x".repeat(72), "$2b$04$abcdefghijklmnopqrstuubzadhGtS2zEF.gu0yd0opP6cVzb.e0i"],
];

test("pi's fraction gives Blowfish's known first P word and last S-box word", () => {
  const w = piWords();
  assert.equal(w[0], 0x243f6a88);
  assert.equal(w[1], 0x85a308d3);
  assert.equal(w[1041], 0x3ac372e6);
});

test("bcrypt verifies libxcrypt's hashes ($2a$, $2b$, $2y$) and rejects wrong passwords", () => {
  for (const [pw, hash] of vectors) {
    assert.ok(bcryptVerify(pw, hash), hash);
    assert.ok(!bcryptVerify(`${pw}!`, hash) || pw.length >= 72, hash);
  }
  assert.ok(bcryptVerify("x".repeat(80), vectors[4]?.[1] as string), "passwords are cut at 72 bytes");
});

test("bcryptHash round-trips and matches libxcrypt for the same salt", () => {
  const salt = Buffer.from("0123456789abcdef");
  const h = bcryptHash("pw", salt, 4);
  assert.ok(isBcryptHash(h));
  assert.ok(bcryptVerify("pw", h));
  assert.ok(!bcryptVerify("pW", h));
  assert.ok(!bcryptVerify("pw", "{SHA}abc"));
  assert.ok(!bcryptVerify("pw", "$2b$03$abcdefghijklmnopqrstuuWG29KuyeAicPCJODk1zjyGvyQUU2awu"), "cost below 4");
  assert.throws(() => bcryptHash("pw", Buffer.alloc(3)));
});
