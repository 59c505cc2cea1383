// The repositories in storage: every folder under repositories/ that holds manifests.
import type { StorageDriver } from "../storage/driver.ts";
import { repositoriesRoot } from "../storage/layout.ts";
import { compareBytewise, isRepositoryName } from "../names.ts";

/** Names of the repositories that hold at least one manifest, in bytewise order. */
export async function listRepositories(driver: StorageDriver): Promise<string[]> {
  const found: string[] = [];
  const walk = async (prefix: string, depth: number): Promise<void> => {
    if (depth > 64) return;
    const children = await driver.list(prefix === "" ? repositoriesRoot : `${repositoriesRoot}/${prefix}`);
    if (prefix !== "" && children.includes("_manifests")) found.push(prefix);
    for (const child of children) {
      if (child.startsWith("_")) continue;
      const name = prefix === "" ? child : `${prefix}/${child}`;
      if (isRepositoryName(name)) await walk(name, depth + 1);
    }
  };
  await walk("", 0);
  return found.sort(compareBytewise);
}
