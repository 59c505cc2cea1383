// The build context: a directory (given, or a tar unpacked from stdin) seen through `.dockerignore`.
// Sources are named relative to its root; symlinks are followed only inside it, never out of it.
import fs from "node:fs";
import { join } from "node:path";
import { HoistError, errnoCode } from "../../errors.ts";
import { cleanPath, hasWildcards, matchGlob, PatternMatcher } from "./patterns.ts";

export interface ContextEntry {
  /** Path relative to the context root, "" for the root. */
  readonly rel: string;
  readonly abs: string;
  readonly st: fs.BigIntStats;
}

/** A source path names something outside the context (`../x`, `/x`, or a symlink leading out). */
export class OutsideContextError extends HoistError {
  constructor(path: string) {
    super("UNSAFE_PATH", `forbidden path outside the build context: ${path}`);
    this.name = "OutsideContextError";
  }
}

export class SourceNotFoundError extends HoistError {
  constructor(path: string) {
    super("NOT_FOUND", `"/${path.replace(/^\/+/, "")}": not found`);
    this.name = "SourceNotFoundError";
  }
}

const MAX_LINKS = 255;

export interface ContextOptions {
  /** `.dockerignore` patterns. */
  ignore?: readonly string[];
  /**
   * How absolute symlink targets are read: "outside" (the build context: they lead out, an error) or
   * "root" (an image's filesystem: they resolve against its root).
   */
  absoluteLinks?: "outside" | "root";
}

export class BuildContext {
  readonly root: string;
  readonly ignore: PatternMatcher;
  private readonly rootLinks: boolean;

  constructor(root: string, options: ContextOptions = {}) {
    this.root = root;
    this.ignore = new PatternMatcher(options.ignore ?? []);
    this.rootLinks = options.absoluteLinks === "root";
  }

  abs(rel: string): string {
    return rel === "" ? this.root : join(this.root, rel);
  }

  lstat(rel: string): fs.BigIntStats | undefined {
    try {
      return fs.lstatSync(this.abs(rel), { bigint: true });
    } catch (e) {
      if (errnoCode(e) === "ENOENT" || errnoCode(e) === "ENOTDIR") return undefined;
      throw e;
    }
  }

  isIgnored(rel: string): boolean {
    return rel !== "" && this.ignore.matches(rel);
  }

  /** A source as written in the Dockerfile → a clean relative path; refuses `..` out of the root and absolute paths. */
  static cleanSource(src: string): string {
    if (src.startsWith("/")) throw new OutsideContextError(src);
    const clean = cleanPath(src);
    if (clean === ".." || clean.startsWith("../")) throw new OutsideContextError(src);
    return clean === "." ? "" : clean;
  }

  /**
   * Follow symlinks along `rel` inside the context. Every component but the last is followed; the last
   * too when `followLast`. A link that leads out (absolute, or `..` past the root) is an error.
   */
  resolve(rel: string, followLast: boolean, shown = rel): string {
    const todo = rel === "" ? [] : rel.split("/");
    const done: string[] = [];
    let links = 0;
    while (todo.length > 0) {
      const part = todo.shift() as string;
      if (part === "" || part === ".") continue;
      if (part === "..") {
        if (done.length === 0 && !this.rootLinks) throw new OutsideContextError(shown);
        done.pop();
        continue;
      }
      const candidate = [...done, part].join("/");
      const last = todo.length === 0;
      const st = this.lstat(candidate);
      if (st === undefined || !st.isSymbolicLink() || (last && !followLast)) {
        done.push(part);
        continue;
      }
      if (++links > MAX_LINKS) throw new HoistError("INVALID_ARGUMENT", `too many levels of symbolic links: ${shown}`);
      const target = fs.readlinkSync(this.abs(candidate));
      if (target.startsWith("/")) {
        if (!this.rootLinks) throw new OutsideContextError(shown);
        done.length = 0;
      }
      todo.unshift(...target.split("/"));
    }
    return done.join("/");
  }

  /**
   * The context paths a COPY/ADD source names: the path itself (symlink followed), or every match of a
   * wildcard (matched directories are not searched further). Ignored paths are not there.
   */
  expand(src: string): ContextEntry[] {
    const clean = this.rootLinks ? cleanPath(`/${src}`).slice(1) : BuildContext.cleanSource(src);
    const parts = clean === "" ? [] : clean.split("/");
    const wild = parts.findIndex(hasWildcards);
    if (wild < 0) {
      const entry = this.entry(this.resolve(clean, true, src));
      if (entry === undefined) throw new SourceNotFoundError(clean);
      return [entry];
    }
    const base = this.resolve(parts.slice(0, wild).join("/"), true, src);
    const pattern = parts.slice(wild).join("/");
    const out: ContextEntry[] = [];
    const search = (dir: string, relToBase: string): void => {
      for (const name of listDir(this.abs(dir))) {
        const rel = dir === "" ? name : `${dir}/${name}`;
        const sub = relToBase === "" ? name : `${relToBase}/${name}`;
        const st = this.lstat(rel);
        if (st === undefined) continue;
        if (matchGlob(pattern, sub)) {
          const target = st.isSymbolicLink() ? this.followMatch(rel) : rel;
          const entry = this.entry(target);
          if (entry !== undefined && !this.isIgnored(rel)) out.push(entry);
        } else if (st.isDirectory() && sub.split("/").length < pattern.split("/").length) search(rel, sub);
      }
    };
    const baseSt = this.lstat(base);
    if (baseSt?.isDirectory()) search(base, "");
    return out;
  }

  /** A wildcard match that is a symlink: followed inside the context, else kept as the link itself. */
  private followMatch(rel: string): string {
    try {
      return this.resolve(rel, true);
    } catch (e) {
      if (e instanceof OutsideContextError) return rel;
      throw e;
    }
  }

  private entry(rel: string): ContextEntry | undefined {
    if (this.isIgnored(rel)) return undefined;
    const st = this.lstat(rel);
    return st === undefined ? undefined : { rel, abs: this.abs(rel), st };
  }

  /**
   * Everything under the directory `entry` (not the directory itself), sorted, with `.dockerignore` and
   * `exclude` (patterns relative to the directory) applied. A directory that is excluded itself still
   * appears when something below it is included again. Symlinks are entries, not followed.
   */
  walk(entry: ContextEntry, exclude?: PatternMatcher): ContextEntry[] {
    const out: ContextEntry[] = [];
    const visit = (dir: string, sub: string): boolean => {
      let any = false;
      for (const name of listDir(this.abs(dir))) {
        const rel = dir === "" ? name : `${dir}/${name}`;
        const relSub = sub === "" ? name : `${sub}/${name}`;
        const st = this.lstat(rel);
        if (st === undefined || st.isSocket()) continue;
        const ignored = this.isIgnored(rel) || (exclude?.matches(relSub) ?? false);
        if (!st.isDirectory()) {
          if (!ignored) {
            out.push({ rel, abs: this.abs(rel), st });
            any = true;
          }
          continue;
        }
        if (ignored && !this.ignore.mayIncludeBelow(rel) && !(exclude?.mayIncludeBelow(relSub) ?? false)) continue;
        const at = out.length;
        out.push({ rel, abs: this.abs(rel), st });
        const below = visit(rel, relSub);
        if (ignored && !below) out.splice(at, 1);
        else any = true;
      }
      return any;
    };
    visit(entry.rel, "");
    return out;
  }
}

export function listDir(abs: string): string[] {
  try {
    return fs.readdirSync(abs).sort(byCodeUnit);
  } catch (e) {
    if (errnoCode(e) === "ENOENT" || errnoCode(e) === "ENOTDIR") return [];
    throw e;
  }
}

export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
