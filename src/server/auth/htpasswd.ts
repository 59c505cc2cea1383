// An htpasswd file of bcrypt entries (`user:$2y$...`), re-read when it changes; verified passwords are cached
// (keyed by a hash of user, password and entry) so bcrypt's deliberate cost is paid once, not per request.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { bcryptVerify, isBcryptHash } from "./bcrypt.ts";
import { Lru } from "../lru.ts";

export function parseHtpasswd(text: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const i = line.indexOf(":");
    if (i <= 0) continue;
    const hash = line.slice(i + 1);
    if (isBcryptHash(hash)) users.set(line.slice(0, i), hash);
  }
  return users;
}

export class Htpasswd {
  readonly #path: string | undefined;
  #users: Map<string, string>;
  #mtime = 0;
  #checked = 0;
  readonly #verified = new Lru<string, true>(4096);

  private constructor(path: string | undefined, users: Map<string, string>) {
    this.#path = path;
    this.#users = users;
  }

  static fromFile(path: string): Htpasswd {
    const h = new Htpasswd(path, new Map());
    h.#reload(true);
    return h;
  }

  static fromText(text: string): Htpasswd {
    return new Htpasswd(undefined, parseHtpasswd(text));
  }

  #reload(force = false): void {
    if (!this.#path) return;
    const now = Date.now();
    if (!force && now - this.#checked < 2000) return;
    this.#checked = now;
    const mtime = statSync(this.#path).mtimeMs;
    if (!force && mtime === this.#mtime) return;
    this.#mtime = mtime;
    this.#users = parseHtpasswd(readFileSync(this.#path, "utf8"));
  }

  verify(user: string, password: string): boolean {
    try {
      this.#reload();
    } catch {
      // Keep serving with the users we had if the file is briefly unreadable.
    }
    const hash = this.#users.get(user);
    if (!hash) return false;
    const key = createHash("sha256").update(`${user}\0${password}\0${hash}`).digest("hex");
    if (this.#verified.get(key)) return true;
    const ok = bcryptVerify(password, hash);
    if (ok) this.#verified.set(key, true);
    return ok;
  }
}
