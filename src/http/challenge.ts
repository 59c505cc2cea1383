// WWW-Authenticate parsing (RFC 7235): `Bearer realm="…",service="…",scope="…"`, `Basic realm="…"`.

export interface Challenge {
  /** Lower case: "bearer", "basic". */
  scheme: string;
  params: Record<string, string>;
}

/** Every challenge in a WWW-Authenticate value, in order. Malformed input gives what could be read. */
export function parseChallenges(header: string | undefined): Challenge[] {
  if (!header) return [];
  const out: Challenge[] = [];
  let i = 0;
  const s = header;
  const skipSpace = (): void => {
    while (i < s.length && (s[i] === " " || s[i] === "\t")) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < s.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(s[i] as string)) i++;
    return s.slice(start, i);
  };
  let current: Challenge | undefined;
  while (i < s.length) {
    skipSpace();
    if (s[i] === ",") {
      i++;
      continue;
    }
    const word = token();
    if (word === "") {
      i++;
      continue;
    }
    skipSpace();
    if (s[i] === "=" && current) {
      i++;
      skipSpace();
      current.params[word.toLowerCase()] = s[i] === '"' ? quoted() : token68();
      continue;
    }
    // A new challenge: its scheme, maybe followed by a token68 (ignored) or parameters.
    current = { scheme: word.toLowerCase(), params: {} };
    out.push(current);
  }
  return out;

  function quoted(): string {
    i++; // opening quote
    let v = "";
    while (i < s.length && s[i] !== '"') {
      if (s[i] === "\\" && i + 1 < s.length) i++;
      v += s[i];
      i++;
    }
    i++; // closing quote
    return v;
  }
  function token68(): string {
    const start = i;
    while (i < s.length && s[i] !== "," && s[i] !== " ") i++;
    return s.slice(start, i);
  }
}

/** The first challenge of a scheme the client speaks: Bearer preferred, then Basic. */
export function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === "bearer") ?? challenges.find((c) => c.scheme === "basic");
}
