// Small file-system helpers: directory fsync, temp directories, spooling a stream to a file while hashing it.
import { createWriteStream } from "node:fs";
import { mkdtemp, open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { hasher, type Digest } from "../../oci/index.ts";

export async function fsyncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } catch {
    // some file systems refuse fsync on a directory; the rename is still atomic
  } finally {
    await fh.close();
  }
}

export async function makeTempDir(parent: string | undefined, prefix: string): Promise<string> {
  return mkdtemp(join(parent ?? tmpdir(), prefix));
}

/** Write `body` to a new file, hashing and counting it on the way; fsync when asked. */
export async function spoolToFile(
  body: Readable,
  file: string,
  algorithm: string,
  options: { signal?: AbortSignal; sync?: boolean } = {},
): Promise<{ digest: Digest; size: number }> {
  const h = hasher(algorithm);
  let size = 0;
  const tap = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, done) {
      h.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const out = createWriteStream(file, { flags: "wx", mode: 0o644, flush: options.sync ?? false });
  await pipeline(body, tap, out, options.signal ? { signal: options.signal } : {});
  return { digest: h.digest(), size };
}
