// A container's files from outside: `export` (the merged filesystem as a tar), `cp` both ways, `diff`.
// A running container's filesystem is its live root; a stopped one is mounted (read-only, or read-write for
// cp into it) under the container's lock so that nothing starts it meanwhile.
import fs from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { HoistError } from "../errors.ts";
import { native } from "../native.ts";
import type { ContainerRecord } from "../store/containers.ts";
import type { Change } from "../store/driver.ts";
import { cleanEntryPath, createLayer, layerEntries, readTar, writeTar, type TarWriteEntry } from "../streams/index.ts";
import { lock, unlock } from "./busy-lock.ts";
import type { Engine } from "./engine.ts";
import { findActive } from "./lifecycle.ts";
import { resolveInRoot } from "./rootfs-path.ts";

function isRunning(c: ContainerRecord): boolean {
  return c.State.Status === "running" || c.State.Status === "paused";
}

/** Run `fn` with the container's merged filesystem at hand. */
async function withRoot<T>(
  engine: Engine,
  c: ContainerRecord,
  write: boolean,
  fn: (root: string) => Promise<T>,
): Promise<T> {
  const driver = await engine.driver(c.Driver);
  if (isRunning(c)) return fn(driver.rootfs(c.Id));
  const fd = await lock(engine.dir(c.Id), 30_000);
  try {
    const now = engine.containers.get(c.Id);
    if (isRunning(now)) return await fn(driver.rootfs(c.Id));
    if (write) {
      const root = driver.mount(c.Id, engine.lowers(c));
      try {
        return await fn(root);
      } finally {
        driver.unmount(c.Id);
      }
    }
    const staging = await engine.store.stage();
    try {
      const view = driver.view(c.Id, engine.lowers(c), staging.scratch("view"));
      try {
        return await fn(view.path);
      } finally {
        view.release();
      }
    } finally {
      staging.dispose();
    }
  } finally {
    unlock(fd);
  }
}

/** `export`: the merged filesystem as a tar stream. */
export async function exportContainer(engine: Engine, ref: string, out: Writable, signal?: AbortSignal): Promise<void> {
  const c = await findActive(engine, ref);
  await withRoot(engine, c, false, async (root) => {
    await pipeline(createLayer(root, { mode: "rootfs", ...(signal ? { signal } : {}) }), out, {
      end: out !== process.stdout,
    });
  });
}

export async function diffContainer(engine: Engine, ref: string): Promise<Change[]> {
  const c = await findActive(engine, ref);
  return (await engine.driver(c.Driver)).changes(c.Id, engine.lowers(c));
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** Copy `src` to `dst` recursively; `owner` forces ownership (cp sets the receiving side's user). */
function copyTree(src: string, dst: string, owner: [number, number] | undefined): void {
  const st = fs.lstatSync(src);
  const existing = lstatOrUndefined(dst);
  const uid = owner ? owner[0] : st.uid;
  const gid = owner ? owner[1] : st.gid;
  if (st.isDirectory()) {
    if (existing && !existing.isDirectory())
      throw new HoistError("INVALID_ARGUMENT", `cannot overwrite non-directory "${dst}" with directory "${src}"`);
    if (!existing) fs.mkdirSync(dst);
    for (const name of fs.readdirSync(src)) copyTree(join(src, name), join(dst, name), owner);
    fs.chmodSync(dst, st.mode & 0o7777);
    fs.lchownSync(dst, uid, gid);
    fs.utimesSync(dst, st.atime, st.mtime);
    return;
  }
  if (existing?.isDirectory())
    throw new HoistError("INVALID_ARGUMENT", `cannot overwrite directory "${dst}" with non-directory "${src}"`);
  if (existing) fs.rmSync(dst, { force: true });
  if (st.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(src), dst);
    fs.lchownSync(dst, uid, gid);
    return;
  }
  if (st.isFile()) fs.copyFileSync(src, dst);
  else if (st.isFIFO() || st.isCharacterDevice() || st.isBlockDevice())
    native().mknod(dst, st.mode, Math.floor(st.rdev / 256) & 0xfff, st.rdev & 0xff);
  else return;
  fs.chmodSync(dst, st.mode & 0o7777);
  fs.lchownSync(dst, uid, gid);
  fs.utimesSync(dst, st.atime, st.mtime);
}

/** docker cp's destination rules: into an existing directory as basename(src), else as the path itself. */
function targetPath(
  src: string,
  srcIsDir: boolean,
  contentsOnly: boolean,
  dest: string,
  destEndsWithSlash: boolean,
): string {
  const dst = lstatOrUndefined(dest);
  if (dst?.isDirectory()) return contentsOnly ? dest : join(dest, basename(src));
  if (dst && srcIsDir) throw new HoistError("INVALID_ARGUMENT", `cannot copy a directory to a file: ${dest}`);
  if (!dst && destEndsWithSlash && !srcIsDir) throw new HoistError("NOT_FOUND", `no such directory: ${dest}`);
  if (!lstatOrUndefined(dirname(dest))?.isDirectory())
    throw new HoistError("NOT_FOUND", `no such directory: ${dirname(dest)}`);
  return dest;
}

/** A tar of `abs` named basename(`abs`) (or its contents with `contentsOnly`). */
async function* tarOf(abs: string, contentsOnly: boolean): AsyncGenerator<TarWriteEntry> {
  const st = fs.lstatSync(abs);
  const name = basename(abs);
  const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
  if (!st.isDirectory()) {
    if (st.isSymbolicLink()) yield { header: { ...base, name, type: "symlink", linkname: fs.readlinkSync(abs) } };
    else yield { header: { ...base, name, type: "file", size: st.size }, body: fs.readFileSync(abs) };
    return;
  }
  if (!contentsOnly) yield { header: { ...base, name: `${name}/`, type: "directory" } };
  for await (const e of layerEntries(abs, { mode: "rootfs" })) {
    yield contentsOnly ? e : { ...e, header: { ...e.header, name: `${name}/${e.header.name}` } };
  }
}

/** `cp CONTAINER:SRC DEST` (DEST "-" is a tar on `out`). */
export async function copyFromContainer(
  engine: Engine,
  ref: string,
  srcPath: string,
  dest: string | Writable,
): Promise<void> {
  const c = await findActive(engine, ref);
  await withRoot(engine, c, false, async (root) => {
    const contentsOnly = /\/\.$/.test(srcPath);
    const abs = resolveInRoot(root, srcPath.replace(/\/\.$/, "/") || "/", false);
    const st = lstatOrUndefined(abs);
    if (!st) throw new HoistError("NOT_FOUND", `Could not find the file ${srcPath} in container ${ref}`);
    if (typeof dest !== "string") {
      await pipeline(writeTar(tarOf(abs, contentsOnly)), dest, { end: dest !== process.stdout });
      return;
    }
    const target = targetPath(abs, st.isDirectory(), contentsOnly, dest, dest.endsWith("/"));
    copyTree(abs, target, [process.getuid?.() ?? 0, process.getgid?.() ?? 0]);
  });
}

/** `cp SRC CONTAINER:DEST` (SRC "-" is a tar on `input`, extracted into the directory DEST). */
export async function copyToContainer(
  engine: Engine,
  ref: string,
  src: string | Readable,
  destPath: string,
  keepOwner = false,
): Promise<void> {
  const c = await findActive(engine, ref);
  if (c.HostConfig.ReadonlyRootfs) throw new HoistError("CONFLICT", "container rootfs is marked read-only");
  await withRoot(engine, c, true, async (root) => {
    const dest = resolveInRoot(root, destPath);
    if (typeof src !== "string") {
      if (!lstatOrUndefined(dest)?.isDirectory())
        throw new HoistError("NOT_FOUND", `Could not find the file ${destPath} in container ${ref}`);
      await extractInto(src, root, dest);
      return;
    }
    const st = lstatOrUndefined(src);
    if (!st) throw new HoistError("NOT_FOUND", `lstat ${src}: no such file or directory`);
    const contentsOnly = /\/\.$/.test(src);
    const target = targetPath(src.replace(/\/\.$/, ""), st.isDirectory(), contentsOnly, dest, destPath.endsWith("/"));
    copyTree(src.replace(/\/\.$/, "") || "/", target, keepOwner ? undefined : [0, 0]);
  });
}

/** Extract a tar into `dir` inside the container root, every path resolved inside the root. */
async function extractInto(input: Readable, root: string, dir: string): Promise<void> {
  const rel = dir.slice(root.length) || "/";
  for await (const entry of readTar(input)) {
    const h = entry.header;
    const name = cleanEntryPath(h.name);
    if (name === "") {
      await entry.skip();
      continue;
    }
    const parent = resolveInRoot(root, join(rel, dirname(name)));
    fs.mkdirSync(parent, { recursive: true });
    const target = join(parent, basename(name));
    const existing = lstatOrUndefined(target);
    if (existing && !(existing.isDirectory() && h.type === "directory"))
      fs.rmSync(target, { recursive: true, force: true });
    switch (h.type) {
      case "directory":
        if (!existing?.isDirectory()) fs.mkdirSync(target);
        fs.chmodSync(target, h.mode);
        break;
      case "file": {
        const fd = fs.openSync(target, "w", h.mode);
        try {
          for await (const chunk of entry.chunks()) fs.writeSync(fd, chunk);
        } finally {
          fs.closeSync(fd);
        }
        fs.chmodSync(target, h.mode);
        break;
      }
      case "symlink":
        fs.symlinkSync(h.linkname, target);
        break;
      case "hardlink":
        fs.linkSync(resolveInRoot(root, join(rel, cleanEntryPath(h.linkname)), false), target);
        break;
      default:
        await entry.skip();
        continue;
    }
    fs.lchownSync(target, h.uid, h.gid);
    if (h.type !== "symlink") fs.utimesSync(target, h.mtime.sec, h.mtime.sec);
  }
}
