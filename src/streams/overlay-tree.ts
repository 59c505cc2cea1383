// Applies tar entries to an empty directory in overlayfs's form: `.wh.x` becomes a 0/0 character device
// `x`, `.wh..wh..opq` becomes trusted.overlay.opaque=y. Tracks every node it creates, so it never needs
// to stat the disk to know what a path is, and refuses to write through symlinks or leave the root.
import fs from "node:fs";
import { HoistError } from "../errors.ts";
import { native } from "../native.ts";
import {
  finishFile,
  makeDir,
  makeSpecial,
  openNewFile,
  setDirAttrs,
  setTimes,
  setXattrs,
  writeAll,
} from "./fs-apply.ts";
import type { ApplyCounters, Attrs } from "./fs-apply.ts";
import { Jobs } from "./jobs.ts";
import { cleanEntryPath, joinPath, splitPath } from "./paths.ts";
import type { TarEntry } from "./tar/reader.ts";
import type { TarHeader, Timestamp } from "./tar/types.ts";
import { classifyName, OPAQUE_XATTR } from "./whiteout.ts";

type Kind = "dir" | "file" | "symlink" | "special" | "whiteout";

/** Bodies up to this size are read whole and written by one thread-pool job; larger ones stream. */
const SMALL_FILE = 1 << 20;
/** Small files and symlinks being created at once. */
const CONCURRENCY = 16;
const OPAQUE_VALUE = Buffer.from("y");
/** uid_t is 32 bits and (uid_t)-1 means "leave unchanged" to chown. */
const MAX_ID = 0xffffffff;

export class OverlayTree {
  readonly root: string;
  readonly counters: ApplyCounters = { xattrsSkipped: 0 };
  /** Every path created, relative to root. Invariant: all ancestors of a key are "dir" keys. */
  #nodes = new Map<string, Kind>([["", "dir"]]);
  #dirTimes = new Map<string, Timestamp>();
  #jobs = new Jobs(CONCURRENCY);

  constructor(root: string) {
    this.root = root;
  }

  #abs(rel: string): string {
    return rel === "" ? this.root : `${this.root}/${rel}`;
  }

  async apply(entry: TarEntry): Promise<void> {
    const h = entry.header;
    const path = cleanEntryPath(h.name);
    if (path === "") {
      // The root's own entry ("./"): its attributes are not the layer's to set, as in docker.
      if (h.type !== "directory") throw unsafe(h, "the root of the layer must be a directory");
      return;
    }
    if (h.uid >= MAX_ID || h.gid >= MAX_ID) {
      throw new HoistError(
        "BAD_ARCHIVE",
        `tar entry ${JSON.stringify(h.name)}: uid/gid ${h.uid}/${h.gid} out of range`,
      );
    }
    const [parent, base] = splitPath(path);
    if (parent.includes(".wh.")) {
      const parts = parent.split("/");
      if (parts.some((c) => c.startsWith(".wh..wh."))) return; // inside aufs metadata
      if (parts.some((c) => c.startsWith(".wh."))) throw unsafe(h, "a whiteout cannot have children");
    }
    const name = classifyName(base);
    switch (name.kind) {
      case "aufs-meta":
        return;
      case "invalid":
        throw unsafe(h, `invalid whiteout ${JSON.stringify(base)}`);
      case "opaque":
        this.#ensureDir(parent, h);
        native().lsetxattr(this.#abs(parent), OPAQUE_XATTR, OPAQUE_VALUE);
        return;
      case "whiteout":
        if (h.type === "directory") throw unsafe(h, "a whiteout must not be a directory");
        this.#ensureDir(parent, h);
        this.#whiteout(joinPath(parent, name.target), h);
        return;
      case "plain":
        this.#ensureDir(parent, h);
        await this.#create(path, entry);
    }
  }

  /** Wait for pending work, then set directory mtimes, now that nothing more is written inside them. */
  async finish(): Promise<void> {
    await this.#jobs.drain();
    for (const [rel, t] of this.#dirTimes) setTimes(this.#abs(rel), t);
  }

  /** Wait for pending work, ignoring its failures (before removing the tree after an error). */
  async settle(): Promise<void> {
    await this.#jobs.settle();
  }

  /** Make `rel` a directory of this layer: create it (and its parents) when missing. */
  #ensureDir(rel: string, h: TarHeader): void {
    const kind = this.#nodes.get(rel);
    if (kind === "dir") return;
    if (kind === undefined) {
      const [parent] = splitPath(rel);
      this.#ensureDir(parent, h);
      fs.mkdirSync(this.#abs(rel), 0o755);
      this.#nodes.set(rel, "dir");
      return;
    }
    if (kind === "symlink") throw unsafe(h, `parent ${JSON.stringify(rel)} is a symlink`);
    if (kind !== "whiteout")
      throw new HoistError(
        "BAD_ARCHIVE",
        `tar entry ${JSON.stringify(h.name)}: parent ${JSON.stringify(rel)} is not a directory`,
      );
    // A directory where this layer whited one out: the new directory hides the lower one entirely.
    this.#remove(rel);
    fs.mkdirSync(this.#abs(rel), 0o755);
    native().lsetxattr(this.#abs(rel), OPAQUE_XATTR, OPAQUE_VALUE);
    this.#nodes.set(rel, "dir");
  }

  #whiteout(rel: string, h: TarHeader): void {
    const kind = this.#nodes.get(rel);
    // The layer's own entry at that path stays (a whiteout only hides lower layers); a directory of this
    // layer becomes opaque so the lower directory's children stay hidden.
    if (kind === "dir") native().lsetxattr(this.#abs(rel), OPAQUE_XATTR, OPAQUE_VALUE);
    if (kind !== undefined) return;
    makeSpecial(this.#abs(rel), "char-device", 0, 0, attrs(h, {}), this.counters);
    this.#nodes.set(rel, "whiteout");
  }

  async #create(rel: string, entry: TarEntry): Promise<void> {
    const h = entry.header;
    const existing = this.#nodes.get(rel);
    if (existing === "dir" && h.type === "directory") {
      setDirAttrs(this.#abs(rel), attrs(h), this.counters);
      this.#dirTimes.set(rel, h.mtime);
      return;
    }
    const linkTarget = h.type === "hardlink" ? await this.#hardlinkTarget(rel, h) : "";
    if (existing !== undefined) {
      if (existing === "dir" && linkTarget.startsWith(`${rel}/`)) throw unsafe(h, "hardlink into a replaced directory");
      await (existing === "dir" ? this.#jobs.drain() : this.#jobs.waitFor(rel));
      this.#remove(rel);
    }
    await this.#make(rel, entry, existing, linkTarget);
  }

  async #make(rel: string, entry: TarEntry, replaced: Kind | undefined, linkTarget: string): Promise<void> {
    const h = entry.header;
    const abs = this.#abs(rel);
    switch (h.type) {
      case "directory":
        makeDir(abs, attrs(h), this.counters);
        if (replaced === "whiteout") native().lsetxattr(abs, OPAQUE_XATTR, OPAQUE_VALUE);
        this.#dirTimes.set(rel, h.mtime);
        this.#nodes.set(rel, "dir");
        return;
      case "file":
        this.#nodes.set(rel, "file");
        return this.#writeFile(rel, abs, entry);
      case "symlink": {
        this.#nodes.set(rel, "symlink");
        const job = async () => {
          await native().createSymlink(h.linkname, abs, h.uid, h.gid, h.mtime.sec, h.mtime.nsec);
          setXattrs(abs, h.xattrs, this.counters);
        };
        return this.#jobs.add(rel, job, (e) => failure(h, e));
      }
      case "hardlink":
        fs.linkSync(this.#abs(linkTarget), abs);
        this.#nodes.set(rel, this.#nodes.get(linkTarget) as Kind);
        return;
      case "char-device":
      case "block-device":
      case "fifo":
        makeSpecial(abs, h.type, h.devmajor, h.devminor, attrs(h), this.counters);
        this.#nodes.set(rel, "special");
        return;
      case "unknown":
        throw new HoistError(
          "BAD_ARCHIVE",
          `tar entry ${JSON.stringify(h.name)}: unsupported entry type ${JSON.stringify(h.typeflag)}`,
        );
    }
  }

  async #writeFile(rel: string, abs: string, entry: TarEntry): Promise<void> {
    const h = entry.header;
    if (h.size <= SMALL_FILE) {
      const body = await entry.buffer();
      const job = async () => {
        await native().createFile(abs, body, h.mode, h.uid, h.gid, h.mtime.sec, h.mtime.nsec);
        setXattrs(abs, h.xattrs, this.counters);
      };
      await this.#jobs.add(rel, job, (e) => failure(h, e));
      return;
    }
    const fd = openNewFile(abs);
    try {
      for (let c = await entry.read(); c !== null; c = await entry.read()) writeAll(fd, c);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
    finishFile(fd, abs, attrs(h), this.counters);
  }

  /** A hardlink may only point at a non-directory this layer already holds (waited for, if in flight). */
  async #hardlinkTarget(rel: string, h: TarHeader): Promise<string> {
    const target = cleanEntryPath(h.linkname, h.name);
    const kind = this.#nodes.get(target);
    if (target === rel) throw unsafe(h, "hardlink to itself");
    const what = `hardlink target ${JSON.stringify(h.linkname)}`;
    if (kind === undefined || kind === "whiteout")
      throw unsafe(h, `${what} is not in the layer (outside it, or not yet)`);
    if (kind === "dir") throw unsafe(h, `${what} is a directory`);
    await this.#jobs.waitFor(target);
    return target;
  }

  /** Remove a node (recursively for a directory) and forget it and everything under it. */
  #remove(rel: string): void {
    const kind = this.#nodes.get(rel);
    if (kind === "dir") {
      fs.rmSync(this.#abs(rel), { recursive: true });
      const prefix = `${rel}/`;
      for (const key of this.#nodes.keys()) if (key.startsWith(prefix)) this.#nodes.delete(key);
      for (const key of this.#dirTimes.keys()) if (key === rel || key.startsWith(prefix)) this.#dirTimes.delete(key);
    } else {
      fs.unlinkSync(this.#abs(rel));
    }
    this.#nodes.delete(rel);
  }
}

function attrs(h: TarHeader, xattrs: TarHeader["xattrs"] = h.xattrs): Attrs {
  return { mode: h.mode, uid: h.uid, gid: h.gid, mtime: h.mtime, xattrs };
}

/** A failed filesystem job, named after its entry (it surfaces while a later entry is being read). */
function failure(h: TarHeader, e: unknown): HoistError {
  if (e instanceof HoistError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new HoistError("IO", `extracting tar entry ${JSON.stringify(h.name)}: ${message}`, { cause: e });
}

function unsafe(h: TarHeader, why: string): HoistError {
  return new HoistError("UNSAFE_PATH", `tar entry ${JSON.stringify(h.name)}: ${why}`);
}
