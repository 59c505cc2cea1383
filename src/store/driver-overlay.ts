// The overlay driver: overlay/<id>/{diff,work,merged} and overlay/<id>-init/diff, like docker's overlay2. The
// image layers (extracted by diffID in overlayfs's form) are lowerdirs as they are; diff/ is the upperdir.
import fs from "node:fs";
import { join } from "node:path";
import { HoistError, errnoCode } from "../errors.ts";
import { native } from "../native.ts";
import type { ContainerPaths } from "./containers.ts";
import { linkTree, unshareTree } from "./driver-link.ts";
import {
  isOpaqueDir,
  lowerIndex,
  makeInitLayer,
  moveIfExists,
  safeList,
  sortChanges,
  treeSize,
  type Change,
  type ContainerLayerDriver,
  type View,
} from "./driver.ts";

/** The kernel takes one page of mount options. */
const MAX_OPTIONS = 4000;
const MS_RDONLY = 1;

function escape(path: string): string {
  return path.replace(/[\\,:]/g, (c) => `\\${c}`);
}

let extraOptions: string | undefined;

/** Turn off overlayfs features whose on-disk forms (redirects, metacopy) cannot become layers. */
function featureOptions(): string {
  if (extraOptions !== undefined) return extraOptions;
  const on = (p: string): boolean => {
    try {
      return fs.readFileSync(`/sys/module/overlay/parameters/${p}`, "utf8").trim() === "Y";
    } catch {
      return false;
    }
  };
  extraOptions = `${on("redirect_dir") ? ",redirect_dir=off" : ""}${on("metacopy") ? ",metacopy=off" : ""}`;
  return extraOptions;
}

export function unmountQuiet(target: string): void {
  try {
    native().umount(target, false);
  } catch (e) {
    const code = errnoCode(e);
    if (code === "EINVAL" || code === "ENOENT") return;
    if (code === "EBUSY") {
      native().umount(target, true);
      return;
    }
    throw e;
  }
}

export class OverlayDriver implements ContainerLayerDriver {
  readonly name = "overlay" as const;
  private readonly base: string;

  constructor(paths: ContainerPaths) {
    this.base = paths.overlay;
  }

  private dir(id: string): string {
    return join(this.base, id);
  }

  private initDiff(id: string): string {
    return join(this.base, `${id}-init`, "diff");
  }

  private upper(id: string): string {
    return join(this.dir(id), "diff");
  }

  prepare(stagingDir: string, id: string, _lowers: string[], initFiles: string[]): void {
    const root = join(stagingDir, "overlay");
    for (const sub of ["diff", "work", "merged"]) fs.mkdirSync(join(root, id, sub), { recursive: true, mode: 0o755 });
    fs.chmodSync(join(root, id, "diff"), 0o755);
    makeInitLayer(join(root, `${id}-init`, "diff"), initFiles);
  }

  publish(stagingDir: string, id: string): void {
    fs.mkdirSync(this.base, { recursive: true, mode: 0o700 });
    fs.renameSync(join(stagingDir, "overlay", `${id}-init`), join(this.base, `${id}-init`));
    fs.renameSync(join(stagingDir, "overlay", id), this.dir(id));
  }

  retire(id: string, trashDir: string): void {
    this.unmount(id);
    fs.mkdirSync(trashDir, { recursive: true });
    moveIfExists(this.dir(id), join(trashDir, id));
    moveIfExists(join(this.base, `${id}-init`), join(trashDir, `${id}-init`));
  }

  private options(lowerdirs: string[], upper?: { upper: string; work: string }): string {
    let data = `lowerdir=${lowerdirs.map(escape).join(":")}`;
    if (upper) data += `,upperdir=${escape(upper.upper)},workdir=${escape(upper.work)}`;
    data += featureOptions();
    if (data.length > MAX_OPTIONS)
      throw new HoistError("UNSUPPORTED", `the image has too many layers for an overlay mount (${lowerdirs.length})`);
    return data;
  }

  mount(id: string, lowers: string[]): string {
    const merged = this.rootfs(id);
    unmountQuiet(merged); // a mount left by a crashed monitor
    const lowerdirs = [this.initDiff(id), ...[...lowers].reverse()];
    const data = this.options(lowerdirs, { upper: this.upper(id), work: join(this.dir(id), "work") });
    try {
      native().mount("overlay", merged, "overlay", 0, data);
    } catch (e) {
      throw new HoistError("RUNTIME", `mounting the container's root filesystem: ${(e as Error).message}`, {
        cause: e,
      });
    }
    return merged;
  }

  unmount(id: string): void {
    unmountQuiet(this.rootfs(id));
  }

  rootfs(id: string): string {
    return join(this.dir(id), "merged");
  }

  view(id: string, lowers: string[], scratch: string): View {
    const target = join(scratch, "view");
    fs.mkdirSync(target, { recursive: true });
    const lowerdirs = [this.upper(id), this.initDiff(id), ...[...lowers].reverse()];
    native().mount("overlay", target, "overlay", MS_RDONLY, this.options(lowerdirs));
    return {
      path: target,
      release: () => {
        unmountQuiet(target);
        fs.rmSync(target, { recursive: true, force: true });
      },
    };
  }

  changesDir(id: string): View {
    return { path: this.upper(id), release: () => {} };
  }

  changes(id: string, lowers: string[]): Change[] {
    const index = lowerIndex([...lowers, this.initDiff(id)]);
    const out: Change[] = [];
    const walk = (abs: string, rel: string, parentOpaque: boolean): void => {
      const names = safeList(abs);
      if (parentOpaque) {
        const present = new Set(names);
        const prefix = rel === "" ? "" : `${rel}/`;
        for (const k of index.keys())
          if (k.startsWith(prefix) && !k.slice(prefix.length).includes("/") && !present.has(k.slice(prefix.length)))
            out.push({ Path: `/${k}`, Kind: 2 });
      }
      for (const name of names) {
        const childRel = rel === "" ? name : `${rel}/${name}`;
        const childAbs = join(abs, name);
        const st = fs.lstatSync(childAbs, { bigint: true });
        if (st.isCharacterDevice() && st.rdev === 0n) {
          if (index.has(childRel)) out.push({ Path: `/${childRel}`, Kind: 2 });
          continue;
        }
        const inLower = index.has(childRel);
        out.push({ Path: `/${childRel}`, Kind: inLower ? 0 : 1 });
        if (st.isDirectory()) walk(childAbs, childRel, inLower && isOpaqueDir(childAbs));
      }
    };
    walk(this.upper(id), "", false);
    return sortChanges(out);
  }

  sizeRw(id: string): number {
    return treeSize(this.upper(id));
  }

  linkChanges(id: string, target: string): number {
    return linkTree(this.upper(id), target);
  }

  unshare(id: string): void {
    unshareTree(this.upper(id), join(this.dir(id), "unshare"));
  }

  graphData(id: string, lowers: string[]): Record<string, string> {
    return {
      LowerDir: [this.initDiff(id), ...[...lowers].reverse()].join(":"),
      MergedDir: this.rootfs(id),
      UpperDir: this.upper(id),
      WorkDir: join(this.dir(id), "work"),
    };
  }
}
