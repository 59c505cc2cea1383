// Entry paths: clean them lexically and refuse any that would leave the root.
import { HoistError } from "../errors.ts";

/** A "." or ".." component, an empty component, or a leading or trailing slash. */
const SPECIAL = /(?:^|\/)\.{1,2}(?:\/|$)|\/\/|^\/|\/$/;

/**
 * Clean a tar entry path into a relative path with no ".", ".." or empty components ("" is the root).
 * A leading "/" is dropped, as docker and GNU tar do; a ".." that climbs above the root is UNSAFE_PATH.
 */
export function cleanEntryPath(name: string, entry = name): string {
  if (name.includes("\0"))
    throw new HoistError("UNSAFE_PATH", `tar entry ${JSON.stringify(entry)}: path contains a NUL byte`);
  if (!SPECIAL.test(name)) return name;
  const out: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length === 0) {
        throw new HoistError(
          "UNSAFE_PATH",
          `tar entry ${JSON.stringify(entry)}: path ${JSON.stringify(name)} escapes the root`,
        );
      }
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out.join("/");
}

/** Split a clean relative path into its parent ("" for the root) and its last component. */
export function splitPath(path: string): [string, string] {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? ["", path] : [path.slice(0, slash), path.slice(slash + 1)];
}

export function joinPath(parent: string, name: string): string {
  return parent === "" ? name : `${parent}/${name}`;
}
