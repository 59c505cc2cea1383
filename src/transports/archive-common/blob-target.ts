// Where a layout sink puts blobs and its top-level files: the interface, and its tar-archive form.
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { HoistError } from "../../errors.ts";
import { digestAlgorithm, hasher, type Descriptor, type Digest } from "../../oci/index.ts";
import { makeTempDir, spoolToFile } from "./fs-util.ts";
import { blobPath } from "./oci-reader.ts";
import { FIXED_MTIME, TarOutput, type ArchiveTarget, type ArchiveWriteOptions } from "./tar-output.ts";

export interface TopFile {
  name: string;
  bytes: Buffer;
}

export interface BlobTarget {
  readonly description: string;
  /** The size of a blob already put (or already at the destination), else undefined. */
  blobSize(digest: Digest): Promise<number | undefined>;
  /** A small blob whose digest the caller computed from `bytes`. */
  putBytes(digest: Digest, bytes: Buffer): Promise<void>;
  /** Stream a blob, checking it hashes to `digest` and has `size` bytes (-1: unknown). Returns its size. */
  putStream(digest: Digest, size: number, body: Readable, signal?: AbortSignal): Promise<number>;
  /** Write index.json (merged with what the destination holds, for a directory), oci-layout and `files`; make all visible. */
  commit(index: Descriptor[], files: TopFile[], signal?: AbortSignal): Promise<void>;
  abort(): Promise<void>;
}

export const OCI_LAYOUT_FILE = Buffer.from(`{"imageLayoutVersion":"1.0.0"}`);

/** index.json for a list of manifest descriptors. */
export function indexJson(manifests: Descriptor[]): Buffer {
  return Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests }),
  );
}

function digestError(description: string, expected: Digest, actual: Digest): HoistError {
  return new HoistError("DIGEST_INVALID", `${description}: digest mismatch: expected ${expected}, got ${actual}`);
}

/** Blobs streamed into a tar archive as they come (each once); index.json and the rest at commit. */
export class TarBlobTarget implements BlobTarget {
  readonly description: string;
  readonly #out: TarOutput;
  readonly #tmpParent: string | undefined;
  readonly #sizes = new Map<string, number>();
  readonly #dirs = new Set<string>();
  #tmp: string | undefined;
  #spools = 0;

  constructor(target: ArchiveTarget, description: string, options: ArchiveWriteOptions = {}) {
    this.description = description;
    this.#out = new TarOutput(target, options);
    this.#tmpParent = options.tmpDir;
  }

  async blobSize(digest: Digest): Promise<number | undefined> {
    return this.#sizes.get(digest);
  }

  async #dirsFor(digest: Digest): Promise<void> {
    for (const dir of ["blobs", `blobs/${digestAlgorithm(digest)}`]) {
      if (this.#dirs.has(dir)) continue;
      await this.#out.directory(dir);
      this.#dirs.add(dir);
    }
  }

  async putBytes(digest: Digest, bytes: Buffer): Promise<void> {
    if (this.#sizes.has(digest)) return;
    await this.#dirsFor(digest);
    await this.#out.file(blobPath(digest), bytes);
    this.#sizes.set(digest, bytes.length);
  }

  async putStream(digest: Digest, size: number, body: Readable, signal?: AbortSignal): Promise<number> {
    if (this.#sizes.has(digest)) {
      body.destroy();
      return this.#sizes.get(digest) as number;
    }
    if (size < 0) return this.#putSpooled(digest, body, signal);
    await this.#dirsFor(digest);
    const h = hasher(digestAlgorithm(digest));
    const header = { name: blobPath(digest), type: "file" as const, size, mode: 0o644, mtime: FIXED_MTIME };
    try {
      signal?.throwIfAborted();
      await this.#out.entry(header, body, (c) => h.update(c));
    } finally {
      body.destroy();
    }
    const actual = h.digest();
    if (actual !== digest) throw this.#out.fail(digestError(this.description, digest, actual));
    this.#sizes.set(digest, size);
    return size;
  }

  /** Size unknown: spool to a temp file to learn it (and check the digest before anything is written). */
  async #putSpooled(digest: Digest, body: Readable, signal?: AbortSignal): Promise<number> {
    this.#tmp ??= await makeTempDir(this.#tmpParent, "hoist-spool-");
    const file = join(this.#tmp, `blob-${this.#spools++}`);
    try {
      const got = await spoolToFile(body, file, digestAlgorithm(digest), signal ? { signal } : {});
      if (got.digest !== digest) throw digestError(this.description, digest, got.digest);
      await this.#dirsFor(digest);
      const header = { name: blobPath(digest), type: "file" as const, size: got.size, mode: 0o644, mtime: FIXED_MTIME };
      await this.#out.entry(header, createReadStream(file, { highWaterMark: 1 << 20 }));
      this.#sizes.set(digest, got.size);
      return got.size;
    } finally {
      await rm(file, { force: true });
    }
  }

  async commit(index: Descriptor[], files: TopFile[]): Promise<void> {
    try {
      const all: TopFile[] = [
        { name: "index.json", bytes: indexJson(index) },
        ...files,
        { name: "oci-layout", bytes: OCI_LAYOUT_FILE },
      ];
      all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const f of all) await this.#out.file(f.name, f.bytes);
      await this.#out.finish();
    } finally {
      await this.#cleanup();
    }
  }

  async abort(): Promise<void> {
    try {
      await this.#out.abort();
    } finally {
      await this.#cleanup();
    }
  }

  async #cleanup(): Promise<void> {
    if (this.#tmp) await rm(this.#tmp, { recursive: true, force: true });
    this.#tmp = undefined;
  }
}
