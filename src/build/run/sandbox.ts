// The filesystem side of a RUN: an overlay of the image's layers with the step's upper directory, the files
// the sandbox binds in (/etc/hosts, /etc/resolv.conf), and afterwards the removal of the empty mount points
// the runtime had to create, so they never land in the layer.
import fs from "node:fs";
import { join } from "node:path";
import { HoistError } from "../../errors.ts";
import { native } from "../../native.ts";
import { OPAQUE_XATTR } from "../../streams/index.ts";
import { distinctLowers, resolveInRoot, unmount } from "../rootfs-view.ts";

let featureOptions: string | undefined;

/** Turn off overlayfs features whose on-disk forms (redirects, metacopy) cannot become layers. */
function overlayFeatures(): string {
  if (featureOptions !== undefined) return featureOptions;
  const on = (p: string): boolean => {
    try {
      return fs.readFileSync(`/sys/module/overlay/parameters/${p}`, "utf8").trim() === "Y";
    } catch {
      return false;
    }
  };
  featureOptions = `${on("redirect_dir") ? ",redirect_dir=off" : ""}${on("metacopy") ? ",metacopy=off" : ""}`;
  return featureOptions;
}

function escapeOption(path: string): string {
  return path.replace(/[\\,:]/g, (c) => `\\${c}`);
}

/** Mount the writable root filesystem of a step at `target`. */
export function mountRootfs(
  lowers: readonly string[],
  upper: string,
  work: string,
  target: string,
  emptyDir: string,
): void {
  const lowerdirs = lowers.length === 0 ? [emptyDir] : distinctLowers(lowers).reverse();
  const data = `lowerdir=${lowerdirs.map(escapeOption).join(":")},upperdir=${escapeOption(upper)},workdir=${escapeOption(work)}${overlayFeatures()}`;
  if (data.length > 4000)
    throw new HoistError("UNSUPPORTED", `the image has too many layers for an overlay mount (${lowers.length})`);
  fs.mkdirSync(target, { recursive: true });
  try {
    native().mount("overlay", target, "overlay", 0, data);
  } catch (e) {
    throw new HoistError("RUNTIME", `mounting the build container's root filesystem: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

export { unmount };

/** Paths (absolute inside the rootfs) that did not exist before the step; their parents that did are kept apart. */
export interface Stubs {
  missing: string[];
  existingParents: string[];
}

/** Which mount points (and their parents) the runtime will have to create in `rootfs`. */
export function findStubs(rootfs: string, targets: readonly string[]): Stubs {
  const missing = new Set<string>();
  const existingParents = new Set<string>();
  for (const t of targets) {
    const path = resolveInRoot(rootfs, t);
    const parts = path.split("/").filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const p = `/${parts.slice(0, i).join("/")}`;
      if (exists(join(rootfs, p))) {
        if (i < parts.length) existingParents.add(p);
      } else missing.add(p);
    }
  }
  return { missing: [...missing], existingParents: [...existingParents].filter((p) => !missing.has(p)) };
}

function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Remove from `upper` the empty files and directories the runtime made for mount points, and the copies
 * of existing parent directories that only held them.
 */
export function removeStubs(upper: string, stubs: Stubs): void {
  const deepestFirst = (a: string, b: string): number => b.split("/").length - a.split("/").length;
  for (const p of [...stubs.missing].sort(deepestFirst)) {
    const abs = join(upper, p);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(abs);
    } catch {
      continue;
    }
    try {
      if (st.isDirectory()) fs.rmdirSync(abs);
      else if (st.isFile() && st.size === 0) fs.unlinkSync(abs);
    } catch {
      /* not empty: the step put something there */
    }
  }
  for (const p of [...stubs.existingParents].sort(deepestFirst)) {
    const abs = join(upper, p);
    try {
      if (!fs.lstatSync(abs).isDirectory() || fs.readdirSync(abs).length > 0) continue;
      if (native().lgetxattr(abs, OPAQUE_XATTR) !== null) continue;
      fs.rmdirSync(abs);
    } catch {
      /* gone, or not ours to remove */
    }
  }
}

/** /etc/hosts and /etc/resolv.conf for the sandbox, written beside the bundle. */
export function sandboxFiles(
  dir: string,
  hostsText: string,
  resolvText: string,
): { hosts: string; resolvConf: string } {
  const hosts = join(dir, "hosts");
  const resolvConf = join(dir, "resolv.conf");
  fs.writeFileSync(hosts, hostsText);
  fs.writeFileSync(resolvConf, resolvText);
  return { hosts, resolvConf };
}
