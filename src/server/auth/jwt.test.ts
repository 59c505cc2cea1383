import assert from "node:assert/strict";
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { test } from "node:test";
import { keyFromPem, keyFromSecret, signJwt, verifyJwt } from "./jwt.ts";

function pem(type: "rsa" | "ec"): string {
  const { privateKey } =
    type === "rsa"
      ? generateKeyPairSync("rsa", { modulusLength: 2048 })
      : generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return privateKey.export({ type: "pkcs8", format: "pem" }) as string;
}

test("RS256, ES256 and HS256 tokens sign and verify; the algorithm follows the key", () => {
  for (const [key, alg] of [
    [keyFromPem(pem("rsa")), "RS256"],
    [keyFromPem(pem("ec")), "ES256"],
    [keyFromSecret("secret"), "HS256"],
  ] as const) {
    assert.equal(key.algorithm, alg);
    const t = signJwt(key, { sub: "alice", n: 1 });
    assert.deepEqual(verifyJwt(key, t), { sub: "alice", n: 1 });
    const [h, p, s] = t.split(".") as [string, string, string];
    const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: "mallory", n: 1 })).toString("base64url")}.${s}`;
    assert.equal(verifyJwt(key, tampered), undefined);
    assert.equal(verifyJwt(key, `${h}.${p}`), undefined);
    assert.equal(JSON.parse(Buffer.from(h, "base64url").toString()).alg, alg);
  }
});

test("a public key only verifies; a token of another algorithm is refused (no HS256/RS256 confusion)", () => {
  const priv = pem("rsa");
  const pub = createPublicKey(priv).export({ type: "spki", format: "pem" }) as string;
  const signer = keyFromPem(priv);
  const verifier = keyFromPem(pub);
  assert.equal(verifier.signing, undefined);
  const t = signJwt(signer, { a: 1 });
  assert.deepEqual(verifyJwt(verifier, t), { a: 1 });
  assert.throws(() => signJwt(verifier, { a: 1 }));
  const hs = keyFromSecret(pub);
  assert.equal(verifyJwt(verifier, signJwt(hs, { a: 1 })), undefined);
  assert.throws(
    () => keyFromPem(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }) as string),
    /unsupported/,
  );
});
