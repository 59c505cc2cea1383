// JSON Web Tokens (RFC 7519) signed with RS256, ES256 or HS256 through node:crypto, as Docker's token spec uses them.
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  sign,
  timingSafeEqual,
  verify,
} from "node:crypto";
import type { KeyObject } from "node:crypto";

export type JwtAlgorithm = "RS256" | "ES256" | "HS256";

export interface JwtKey {
  algorithm: JwtAlgorithm;
  /** Present when this server issues tokens. */
  signing?: KeyObject;
  verifying: KeyObject;
  /** Key id put in the header. */
  kid: string;
}

export type JwtClaims = Record<string, unknown>;

function b64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString("base64url");
}

/** A key from PEM text: a private key (sign and verify) or a public key or certificate (verify only). */
export function keyFromPem(pem: string): JwtKey {
  let signing: KeyObject | undefined;
  let verifying: KeyObject;
  if (/PRIVATE KEY-----/.test(pem)) {
    signing = createPrivateKey(pem);
    verifying = createPublicKey(signing);
  } else {
    verifying = createPublicKey(pem);
  }
  const type = verifying.asymmetricKeyType;
  let algorithm: JwtAlgorithm;
  if (type === "rsa") algorithm = "RS256";
  else if (type === "ec" && verifying.asymmetricKeyDetails?.namedCurve === "prime256v1") algorithm = "ES256";
  else throw new Error(`unsupported token key type ${type ?? "?"}: use an RSA or P-256 EC key`);
  const der = verifying.export({ type: "spki", format: "der" });
  const kid = createHash("sha256").update(der).digest("base64url").slice(0, 32);
  return signing ? { algorithm, signing, verifying, kid } : { algorithm, verifying, kid };
}

export function keyFromSecret(secret: string): JwtKey {
  const k = createSecretKey(Buffer.from(secret, "utf8"));
  return { algorithm: "HS256", signing: k, verifying: k, kid: "hs256" };
}

function signature(key: JwtKey, input: string): Buffer {
  if (!key.signing) throw new Error("this token key can only verify");
  if (key.algorithm === "HS256") return createHmac("sha256", key.signing).update(input).digest();
  if (key.algorithm === "ES256")
    return sign("sha256", Buffer.from(input), { key: key.signing, dsaEncoding: "ieee-p1363" });
  return sign("sha256", Buffer.from(input), key.signing);
}

export function signJwt(key: JwtKey, claims: JwtClaims): string {
  const header = b64url(JSON.stringify({ typ: "JWT", alg: key.algorithm, kid: key.kid }));
  const input = `${header}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(signature(key, input))}`;
}

/** The claims of a token whose signature is valid for this key and algorithm; undefined otherwise. Times are not checked here. */
export function verifyJwt(key: JwtKey, token: string): JwtClaims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  let header: unknown;
  let claims: unknown;
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof header !== "object" || header === null || (header as { alg?: unknown }).alg !== key.algorithm)
    return undefined;
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) return undefined;
  const input = Buffer.from(`${h}.${p}`);
  const sig = Buffer.from(s, "base64url");
  let ok: boolean;
  if (key.algorithm === "HS256") {
    const expected = createHmac("sha256", key.verifying).update(input).digest();
    ok = expected.length === sig.length && timingSafeEqual(expected, sig);
  } else if (key.algorithm === "ES256") {
    ok = verify("sha256", input, { key: key.verifying, dsaEncoding: "ieee-p1363" }, sig);
  } else {
    ok = verify("sha256", input, key.verifying, sig);
  }
  return ok ? (claims as JwtClaims) : undefined;
}
