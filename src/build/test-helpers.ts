// Test support for builds: look at an image's merged filesystem (an overlay mount of its layers in a test
// store root), and describe a tree (type, mode, owner, size, content hash, link target) for comparisons.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { join } from "node:path";

interface State {
  images: Record<string, { id: string; names: string[]; layers: string[] }>;
}

/** The image named `name` (normalized, e.g. docker.io/library/app:latest) or with ID `id`, from a store root. */
function imageLayers(root: string, ref: string): string[] {
  const state = JSON.parse(fs.readFileSync(join(root, "state.json"), "utf8")) as State;
  const want =
    ref.includes("/") || ref.startsWith("sha256:")
      ? ref
      : `docker.io/library/${ref.includes(":") ? ref : `${ref}:latest`}`;
  const img = Object.values(state.images).find((i) => i.id === want || i.names.includes(want));
  if (!img) throw new Error(`no image ${ref} in ${root}`);
  return img.layers.map((d) => join(root, "layers", d.slice(7), "diff"));
}

/** Run `fn` with the image's merged filesystem mounted read-only. */
export function withImageFs<T>(root: string, ref: string, fn: (dir: string) => T): T {
  const lowers = imageLayers(root, ref);
  if (lowers.length === 1) return fn(lowers[0] as string);
  const target = fs.mkdtempSync(join(root, "..", "view-"));
  execFileSync("mount", ["-t", "overlay", "overlay", "-o", `ro,lowerdir=${[...lowers].reverse().join(":")}`, target]);
  try {
    return fn(target);
  } finally {
    execFileSync("umount", [target]);
    fs.rmdirSync(target);
  }
}

export interface TreeEntry {
  type: string;
  mode: string;
  owner: string;
  size?: number;
  sha?: string;
  link?: string;
}

/** Every path under `dir` (relative, sorted) with what it is; `skip` leaves paths (and what is below) out. */
export function describeTree(dir: string, skip: (rel: string) => boolean = () => false): Map<string, TreeEntry> {
  const out = new Map<string, TreeEntry>();
  const walk = (rel: string): void => {
    const abs = rel === "" ? dir : join(dir, rel);
    for (const name of fs.readdirSync(abs).sort()) {
      const childRel = rel === "" ? name : `${rel}/${name}`;
      if (skip(childRel)) continue;
      const st = fs.lstatSync(join(dir, childRel));
      const e: TreeEntry = {
        type: st.isDirectory() ? "dir" : st.isFile() ? "file" : st.isSymbolicLink() ? "link" : "other",
        mode: (st.mode & 0o7777).toString(8),
        owner: `${st.uid}:${st.gid}`,
      };
      if (st.isFile()) {
        e.size = st.size;
        e.sha = createHash("sha256")
          .update(fs.readFileSync(join(dir, childRel)))
          .digest("hex")
          .slice(0, 16);
      }
      if (st.isSymbolicLink()) {
        e.link = fs.readlinkSync(join(dir, childRel));
        e.mode = "";
      }
      out.set(childRel, e);
      if (st.isDirectory()) walk(childRel);
    }
  };
  walk("");
  return out;
}

/** Differences between two described trees, as readable lines. */
export function treeDiff(a: Map<string, TreeEntry>, b: Map<string, TreeEntry>): string[] {
  const lines: string[] = [];
  for (const [p, e] of a) {
    const f = b.get(p);
    if (!f) lines.push(`only in first: ${p}`);
    else if (JSON.stringify(e) !== JSON.stringify(f)) lines.push(`${p}: ${JSON.stringify(e)} != ${JSON.stringify(f)}`);
  }
  for (const p of b.keys()) if (!a.has(p)) lines.push(`only in second: ${p}`);
  return lines;
}
