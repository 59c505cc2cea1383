// Paths inside a container's root filesystem, resolved as the container would see them: symlinks are followed
// with the root filesystem as "/", so nothing (an absolute link, "..") can lead outside it.
import fs from "node:fs";
import { HoistError } from "../errors.ts";

const MAX_LINKS = 255;

/** The host path for `path` inside `root`; the last component is followed too unless `followLast` is false.
 * Components that do not exist are kept as they are (the result may not exist). */
export function resolveInRoot(root: string, path: string, followLast = true): string {
  const inside = containerPath(root, path, followLast);
  return inside === "/" ? root : `${root}${inside}`;
}

/** The same resolution as the path the container sees ("/a/b"), symlinks followed within `root`. */
export function containerPath(root: string, path: string, followLast = true): string {
  const todo = path.split("/").filter((p) => p !== "" && p !== ".");
  const done: string[] = [];
  let links = 0;
  while (todo.length > 0) {
    const part = todo.shift() as string;
    if (part === "..") {
      done.pop();
      continue;
    }
    const candidate = `${root}/${[...done, part].join("/")}`;
    if (todo.length === 0 && !followLast) {
      done.push(part);
      break;
    }
    let target: string | undefined;
    try {
      if (fs.lstatSync(candidate).isSymbolicLink()) target = fs.readlinkSync(candidate);
    } catch {
      /* missing: keep the name */
    }
    if (target === undefined) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw new HoistError("INVALID_ARGUMENT", `too many levels of symbolic links: ${path}`);
    if (target.startsWith("/")) done.length = 0;
    todo.unshift(...target.split("/").filter((p) => p !== "" && p !== "."));
  }
  return `/${done.join("/")}`;
}

/** Read a file inside the root filesystem, or undefined when it is missing. */
export function readInRoot(root: string, path: string): string | undefined {
  try {
    return fs.readFileSync(resolveInRoot(root, path), "utf8");
  } catch {
    return undefined;
  }
}
