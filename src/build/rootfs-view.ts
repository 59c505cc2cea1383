// A read-only view of an image's merged filesystem (a stage's, or an image's for COPY --from): an overlay mount
// of its extracted layers, or the one layer directory itself, or an empty directory for scratch.
import fs from "node:fs";
import { join } from "node:path";
import { HoistError, errnoCode } from "../errors.ts";
import { native } from "../native.ts";
import { containerPath as resolveInRoot } from "../runtime/rootfs-path.ts";

export interface RootfsView {
  readonly path: string;
  release(): void;
}

const MS_RDONLY = 1;

function escapeOption(path: string): string {
  return path.replace(/[\\,:]/g, (c) => `\\${c}`);
}

/**
 * Overlayfs refuses the same lowerdir twice (ELOOP). An image can hold one layer twice (the same diffID):
 * keeping only the topmost copy gives the same merged tree, as everything the lower copy holds or hides,
 * the upper copy holds or hides too.
 */
export function distinctLowers(lowers: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = lowers.length - 1; i >= 0; i--) {
    const l = lowers[i] as string;
    if (seen.has(l)) continue;
    seen.add(l);
    out.unshift(l);
  }
  return out;
}

/** Mount `lowers` (bottom first) read-only under `scratchDir`. */
export function openView(all: readonly string[], scratchDir: string): RootfsView {
  const lowers = distinctLowers(all);
  if (lowers.length === 1) return { path: lowers[0] as string, release: () => {} };
  const target = join(scratchDir, `view-${process.hrtime.bigint()}`);
  fs.mkdirSync(target, { recursive: true, mode: 0o755 });
  if (lowers.length === 0) return { path: target, release: () => fs.rmSync(target, { recursive: true, force: true }) };
  const data = `lowerdir=${[...lowers].reverse().map(escapeOption).join(":")}`;
  try {
    native().mount("overlay", target, "overlay", MS_RDONLY, data);
  } catch (e) {
    fs.rmSync(target, { recursive: true, force: true });
    throw new HoistError("RUNTIME", `mounting the image's filesystem: ${(e as Error).message}`, { cause: e });
  }
  return {
    path: target,
    release: () => {
      unmount(target);
      fs.rmSync(target, { recursive: true, force: true });
    },
  };
}

export function unmount(target: string): void {
  try {
    native().umount(target, false);
  } catch (e) {
    const code = errnoCode(e);
    if (code === "EINVAL" || code === "ENOENT") return;
    if (code === "EBUSY") native().umount(target, true);
    else throw e;
  }
}

/** Follow symlinks along an absolute `path` inside `root` (links resolve with `root` as "/"); the result is
 * the path inside the root. One implementation with the runtime's (src/runtime/rootfs-path.ts). */
export { resolveInRoot };

export function lstatIn(root: string, path: string): fs.BigIntStats | undefined {
  try {
    return fs.lstatSync(join(root, path), { bigint: true });
  } catch {
    return undefined;
  }
}

/** Read a small file of the view (e.g. /etc/passwd), following links inside it. */
export function readInView(root: string, path: string): string | undefined {
  try {
    return fs.readFileSync(join(root, resolveInRoot(root, path)), "utf8");
  } catch {
    return undefined;
  }
}
