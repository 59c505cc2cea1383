// Content checksums of context sources for cache keys. A file's sha256 is remembered by path with its size,
// mtime and inode (BuildKit's contenthash keeps the same), so unchanged files are not read again; the
// memory persists in the store root (build-cache/files.json) and is merged back under the store lock.
import { createHash } from "node:crypto";
import fs from "node:fs";
import type { BigIntStats } from "node:fs";
import { writeFileAtomic } from "../../store/atomic.ts";
import type { Store } from "../../store/index.ts";
import type { BuildContext, ContextEntry } from "./context.ts";
import type { PatternMatcher } from "./patterns.ts";

/** size, mtime (ns), inode, sha256 hex. */
type Remembered = [string, string, string, string];

interface FilesIndex {
  version: 1;
  /** Context root → when it was last used (ms) and its files by relative path. */
  contexts: Record<string, { used: number; files: Record<string, Remembered> }>;
}

/** Contexts not built for this long are forgotten. */
const FORGET_MS = 30 * 24 * 3600 * 1000;
const CHUNK = 1 << 20;

export class ContentHasher {
  private readonly file: string | undefined;
  private readonly contextRoot: string;
  private known: Record<string, Remembered>;
  private readonly fresh = new Map<string, Remembered>();
  /** Files whose content was read (for tests and progress). */
  hashed = 0;

  /** Without `indexFile` nothing is remembered across builds (a context unpacked from a tar). */
  constructor(indexFile: string | undefined, contextRoot: string) {
    this.file = indexFile;
    this.contextRoot = contextRoot;
    this.known = indexFile === undefined ? {} : (readIndex(indexFile).contexts[contextRoot]?.files ?? {});
  }

  /** sha256 hex of a regular file's content, from memory when its size, mtime and inode are unchanged. */
  fileDigest(rel: string, abs: string, st: BigIntStats): string {
    const meta: [string, string, string] = [String(st.size), String(st.mtimeNs), String(st.ino)];
    const seen = this.fresh.get(rel) ?? this.known[rel];
    if (seen && seen[0] === meta[0] && seen[1] === meta[1] && seen[2] === meta[2]) {
      this.fresh.set(rel, seen);
      return seen[3];
    }
    const digest = hashFile(abs);
    this.hashed++;
    this.fresh.set(rel, [...meta, digest]);
    return digest;
  }

  /** A checksum of one source: the file, or the directory tree with every entry's name, type, mode and content. */
  sourceDigest(context: BuildContext, entry: ContextEntry, exclude?: PatternMatcher): string {
    const h = createHash("sha256");
    h.update(this.entryLine(entry, ""));
    if (entry.st.isDirectory()) {
      const prefix = entry.rel === "" ? "" : `${entry.rel}/`;
      for (const e of context.walk(entry, exclude)) h.update(this.entryLine(e, e.rel.slice(prefix.length)));
    }
    return h.digest("hex");
  }

  private entryLine(e: ContextEntry, name: string): string {
    const st = e.st;
    const mode = Number(st.mode & 0o7777n).toString(8);
    let what: string;
    if (st.isFile()) what = `f ${this.fileDigest(e.rel, e.abs, st)}`;
    else if (st.isDirectory()) what = "d";
    else if (st.isSymbolicLink()) what = `l ${fs.readlinkSync(e.abs)}`;
    else what = `o ${st.mode} ${st.rdev}`;
    return `${JSON.stringify(name)} ${mode} ${what}\n`;
  }

  /** Whether this build learned anything the index does not have. */
  private changed(): boolean {
    for (const [rel, r] of this.fresh) if (this.known[rel] !== r) return true;
    return false;
  }

  /** Merge what was learned into the index file. Call under the store lock (or pass a store). */
  async save(store: Store): Promise<void> {
    const file = this.file;
    if (file === undefined || this.fresh.size === 0 || !this.changed()) return;
    await store.update(() => {
      const index = readIndex(file);
      const now = Date.now();
      for (const [root, c] of Object.entries(index.contexts)) if (now - c.used > FORGET_MS) delete index.contexts[root];
      const files = { ...(index.contexts[this.contextRoot]?.files ?? {}), ...Object.fromEntries(this.fresh) };
      index.contexts[this.contextRoot] = { used: now, files };
      fs.mkdirSync(file.slice(0, file.lastIndexOf("/")), { recursive: true, mode: 0o700 });
      writeFileAtomic(file, JSON.stringify(index));
    });
  }
}

function readIndex(file: string): FilesIndex {
  try {
    const v = JSON.parse(fs.readFileSync(file, "utf8")) as FilesIndex;
    if (v.version === 1 && typeof v.contexts === "object") return v;
  } catch {
    /* missing or unreadable: start over */
  }
  return { version: 1, contexts: {} };
}

let shared: Buffer | undefined;

/** sha256 hex of a file, read in 1 MiB chunks (one buffer for all: hashing is synchronous). */
export function hashFile(abs: string): string {
  const h = createHash("sha256");
  const fd = fs.openSync(abs, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    shared ??= Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = fs.readSync(fd, shared, 0, CHUNK, null);
      if (n === 0) break;
      h.update(shared.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return h.digest("hex");
}
