// Blobs for an OCI layout directory. Everything is staged in a sibling directory; commit renames a new layout
// into place, or moves the new blobs into an existing layout and then replaces its index.json atomically.
import { mkdir, mkdtemp, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { errnoCode, HoistError } from "../../errors.ts";
import { digestAlgorithm, parseIndex, type Descriptor, type Digest } from "../../oci/index.ts";
import { indexJson, OCI_LAYOUT_FILE, type BlobTarget, type TopFile } from "../archive-common/blob-target.ts";
import { fsyncDirectory, spoolToFile } from "../archive-common/fs-util.ts";
import { OCI_REF_NAME } from "../archive-common/names.ts";
import { blobPath, MAX_INDEX_BYTES } from "../archive-common/oci-reader.ts";

type DirState = "missing" | "empty" | "layout";

export class DirBlobTarget implements BlobTarget {
  readonly description: string;
  readonly #dir: string;
  readonly #sizes = new Map<string, number>();
  #staging: Promise<string> | undefined;
  #parts = 0;

  constructor(dir: string, description: string) {
    this.#dir = dir;
    this.description = description;
  }

  /** What is at the destination now; CONFLICT when it is something other than a layout or an empty directory. */
  async #state(): Promise<DirState> {
    let entries: string[];
    try {
      entries = await readdir(this.#dir);
    } catch (e) {
      if (errnoCode(e) === "ENOENT") return "missing";
      if (errnoCode(e) === "ENOTDIR")
        throw new HoistError("CONFLICT", `${this.description}: ${this.#dir} exists and is not a directory`);
      throw e;
    }
    if (entries.length === 0) return "empty";
    if (entries.includes("oci-layout") && entries.includes("index.json")) return "layout";
    throw new HoistError("CONFLICT", `${this.description}: ${this.#dir} is not empty and is not an OCI image layout`);
  }

  #stage(): Promise<string> {
    this.#staging ??= (async () => {
      await this.#state();
      const parent = dirname(this.#dir);
      await mkdir(parent, { recursive: true });
      return mkdtemp(join(parent, `.${basename(this.#dir)}.hoist-`));
    })();
    return this.#staging;
  }

  async blobSize(digest: Digest): Promise<number | undefined> {
    const staged = this.#sizes.get(digest);
    if (staged !== undefined) return staged;
    try {
      const st = await stat(join(this.#dir, blobPath(digest)));
      return st.isFile() ? st.size : undefined;
    } catch {
      return undefined;
    }
  }

  async #blobFile(digest: Digest): Promise<string> {
    const staging = await this.#stage();
    const dir = join(staging, "blobs", digestAlgorithm(digest));
    await mkdir(dir, { recursive: true });
    return join(staging, blobPath(digest));
  }

  async putBytes(digest: Digest, bytes: Buffer): Promise<void> {
    if ((await this.blobSize(digest)) !== undefined) return;
    await writeSynced(await this.#blobFile(digest), bytes);
    this.#sizes.set(digest, bytes.length);
  }

  async putStream(digest: Digest, size: number, body: Readable, signal?: AbortSignal): Promise<number> {
    const have = await this.blobSize(digest);
    if (have !== undefined) {
      body.destroy();
      return have;
    }
    const file = await this.#blobFile(digest);
    const part = join(dirname(file), `.part-${this.#parts++}`);
    try {
      const got = await spoolToFile(body, part, digestAlgorithm(digest), { sync: true, ...(signal ? { signal } : {}) });
      if (size >= 0 && got.size !== size)
        throw new HoistError(
          "SIZE_INVALID",
          `${this.description}: blob ${digest} has ${got.size} bytes, expected ${size}`,
        );
      if (got.digest !== digest)
        throw new HoistError(
          "DIGEST_INVALID",
          `${this.description}: digest mismatch: expected ${digest}, got ${got.digest}`,
        );
      await rename(part, file);
      this.#sizes.set(digest, got.size);
      return got.size;
    } finally {
      await rm(part, { force: true });
    }
  }

  async commit(index: Descriptor[], files: TopFile[]): Promise<void> {
    const staging = await this.#stage();
    try {
      const state = await this.#state();
      if (state !== "layout") {
        for (const f of [
          { name: "index.json", bytes: indexJson(index) },
          { name: "oci-layout", bytes: OCI_LAYOUT_FILE },
          ...files,
        ])
          await writeSynced(join(staging, f.name), f.bytes);
        await mkdir(join(staging, "blobs"), { recursive: true });
        await fsyncDirectory(staging);
        await rename(staging, this.#dir); // replaces an empty directory too
        await fsyncDirectory(dirname(this.#dir));
        this.#staging = undefined;
        return;
      }
      await this.#moveBlobs(staging);
      for (const f of files) await writeAtomic(join(this.#dir, f.name), f.bytes);
      await writeAtomic(join(this.#dir, "index.json"), await this.#mergedIndex(index));
    } finally {
      await this.abort();
    }
  }

  async #moveBlobs(staging: string): Promise<void> {
    const blobs = join(staging, "blobs");
    for (const alg of await readdir(blobs).catch(() => [] as string[])) {
      const to = join(this.#dir, "blobs", alg);
      await mkdir(to, { recursive: true });
      for (const name of await readdir(join(blobs, alg))) {
        if (name.startsWith(".")) continue;
        const exists = await stat(join(to, name)).then(
          () => true,
          () => false,
        );
        if (!exists) await rename(join(blobs, alg, name), join(to, name));
      }
      await fsyncDirectory(to);
    }
  }

  /** The existing index with the new entries added; an entry whose ref name a new one takes is dropped (as skopeo does). */
  async #mergedIndex(added: Descriptor[]): Promise<Buffer> {
    const raw = await readFile(join(this.#dir, "index.json"));
    if (raw.length > MAX_INDEX_BYTES)
      throw new HoistError("BAD_ARCHIVE", `${this.description}: index.json is too large`);
    const existing = parseIndex(raw);
    const refName = (d: Descriptor) => d.annotations?.[OCI_REF_NAME];
    const taken = new Set(added.map(refName).filter((n) => n !== undefined));
    const kept = existing.manifests.filter((d) => {
      const n = refName(d);
      if (n !== undefined) return !taken.has(n);
      return !added.some((a) => a.digest === d.digest && refName(a) === undefined);
    });
    const doc = JSON.parse(indexJson([...kept, ...added]).toString("utf8")) as Record<string, unknown>;
    if (existing.annotations) doc.annotations = existing.annotations;
    return Buffer.from(JSON.stringify(doc));
  }

  async abort(): Promise<void> {
    const staging = this.#staging;
    this.#staging = undefined;
    const path = staging ? await staging.catch(() => undefined) : undefined;
    if (path) await rm(path, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function writeSynced(path: string, bytes: Buffer): Promise<void> {
  const fh = await open(path, "wx", 0o644);
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function writeAtomic(path: string, bytes: Buffer): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  try {
    await writeSynced(tmp, bytes);
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
  await fsyncDirectory(dirname(path));
}
