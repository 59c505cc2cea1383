// Upload sessions live in storage (uploads/<id>/{info.json,data}), so they survive restarts and any instance can
// serve them. A blob is committed (moved under blobs/) only after its digest is verified.
import { createHash, randomUUID } from "node:crypto";
import type { Hash } from "node:crypto";
import { digestAlgorithm } from "../../oci/index.ts";
import type { Digest } from "../../oci/index.ts";
import { RegistryError } from "../errors.ts";
import { OffsetMismatch } from "../storage/driver.ts";
import type { StorageDriver } from "../storage/driver.ts";
import { blobKey, uploadDataKey, uploadHashKey, uploadInfoKey, uploadKey, uploadsRoot } from "../storage/layout.ts";
import type { BlobStore } from "./blobs.ts";
import { Lru } from "../lru.ts";

export interface UploadInfo {
  name: string;
  startedAt: string;
  algorithm: string;
}

export interface AppendRequest {
  body: AsyncIterable<Uint8Array>;
  /** First byte of this chunk (from Content-Range); when set it must be the session's current size. */
  start?: number;
  /** Exact number of bytes expected (from Content-Range or Content-Length). */
  length?: number;
}

/** The digest of a session's first `offset` bytes, saved after each append. */
interface HashState {
  offset: number;
  algorithm: string;
  digest: string;
}

interface RunningHash {
  offset: number;
  algorithm: string;
  hash: Hash;
}

const uploadId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUploadId(s: string): boolean {
  return uploadId.test(s);
}

export class UploadStore {
  readonly #driver: StorageDriver;
  readonly #blobs: BlobStore;
  readonly #maxBlobSize: number;
  /** Digest state of recent sessions, so a blob is hashed while it streams in; storage stays the truth. */
  readonly #hashes = new Lru<string, RunningHash>(1024);

  constructor(driver: StorageDriver, blobs: BlobStore, maxBlobSize: number) {
    this.#driver = driver;
    this.#blobs = blobs;
    this.#maxBlobSize = maxBlobSize;
  }

  async create(name: string, algorithm = "sha256"): Promise<string> {
    const id = randomUUID();
    const info: UploadInfo = { name, startedAt: new Date().toISOString(), algorithm };
    await this.#driver.append(uploadDataKey(id), [], { offset: 0 });
    await this.#driver.putContent(uploadInfoKey(id), JSON.stringify(info));
    this.#hashes.set(id, { offset: 0, algorithm, hash: createHash(algorithm) });
    return id;
  }

  /** The number of bytes received so far. */
  async status(name: string, id: string): Promise<{ offset: number; info: UploadInfo }> {
    const info = await this.#info(name, id);
    return { offset: await this.#size(id), info };
  }

  /** Runs `fn` holding the session's lock (shared by every process on this storage). */
  async #locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    if (!isUploadId(id)) throw new RegistryError("BLOB_UPLOAD_UNKNOWN");
    // The session's info object is written once and never replaced: it is the lock.
    const release = await this.#driver.lock(uploadInfoKey(id));
    if (!release) throw new RegistryError("BLOB_UPLOAD_UNKNOWN");
    try {
      return await fn();
    } finally {
      await release();
    }
  }

  append(name: string, id: string, req: AppendRequest): Promise<number> {
    return this.#locked(id, async () => {
      const info = await this.#info(name, id);
      const offset = await this.#size(id);
      return this.#append(id, info, offset, req);
    });
  }

  /** Appends an optional last chunk, verifies the digest, and moves the blob into place. */
  commit(name: string, id: string, digest: Digest, req?: AppendRequest): Promise<{ size: number }> {
    return this.#locked(id, async () => {
      const info = await this.#info(name, id);
      const before = await this.#size(id);
      const size = req ? await this.#append(id, info, before, req) : before;
      const actual = await this.#digestOf(id, size, digestAlgorithm(digest));
      if (actual !== digest) {
        this.#hashes.delete(id);
        if (size !== before) {
          await this.#driver.delete(uploadHashKey(id));
          await this.#driver.truncate(uploadDataKey(id), before);
        }
        throw new RegistryError("DIGEST_INVALID", "provided digest did not match uploaded content", {
          detail: { expected: digest, actual },
        });
      }
      this.#hashes.delete(id);
      const place = async (): Promise<void> => {
        if (await this.#blobs.exists(digest)) await this.#driver.touch(blobKey(digest));
        else await this.#driver.move(uploadDataKey(id), blobKey(digest));
        await this.#driver.delete(uploadKey(id));
      };
      // The link may land before the blob: a repository serves a blob only when both exist.
      await Promise.all([place(), this.#blobs.link(name, digest)]);
      return { size };
    });
  }

  cancel(name: string, id: string): Promise<void> {
    return this.#locked(id, async () => {
      await this.#info(name, id);
      await this.#driver.delete(uploadKey(id));
      this.#hashes.delete(id);
    });
  }

  /** Every session in storage (for garbage collection of abandoned ones). */
  async list(): Promise<{ id: string; startedAt: Date | undefined }[]> {
    const ids = (await this.#driver.list(uploadsRoot)).filter(isUploadId);
    return Promise.all(
      ids.map(async (id) => {
        const info = await this.#driver.stat(uploadKey(id));
        return { id, startedAt: info?.modTime };
      }),
    );
  }

  async #append(id: string, info: UploadInfo, offset: number, req: AppendRequest): Promise<number> {
    if (req.start !== undefined && req.start !== offset) throw rangeError(offset);
    let running = this.#hashes.get(id);
    if (running && (running.offset !== offset || running.algorithm !== info.algorithm)) running = undefined;
    // A chunk at offset 0 can always start a digest, whichever process (or instance) created the session.
    const hash = running?.hash ?? (offset === 0 ? createHash(info.algorithm) : undefined);
    this.#hashes.delete(id);
    // The saved digest describes the data as it is now; it must not outlive a change it did not see.
    await this.#driver.delete(uploadHashKey(id));
    let received = 0;
    const max = this.#maxBlobSize;
    const expected = req.length;
    const body = req.body;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of body) {
        received += chunk.byteLength;
        if (offset + received > max) throw new RegistryError("TOO_LARGE", `blob larger than the limit of ${max} bytes`);
        if (expected !== undefined && received > expected)
          throw new RegistryError("SIZE_INVALID", "more bytes than the declared length");
        hash?.update(chunk);
        yield chunk;
      }
    }
    try {
      await this.#driver.append(uploadDataKey(id), counted(), { offset });
      if (expected !== undefined && received !== expected)
        throw new RegistryError("SIZE_INVALID", `expected ${expected} bytes, received ${received}`);
    } catch (e) {
      await this.#driver.truncate(uploadDataKey(id), offset).catch(() => {});
      if (e instanceof OffsetMismatch) throw rangeError(e.actual);
      throw e;
    }
    if (hash) {
      this.#hashes.set(id, { offset: offset + received, algorithm: info.algorithm, hash });
      // The digest so far, for whichever process (or instance) closes the session: no need to re-read the data.
      const state: HashState = {
        offset: offset + received,
        algorithm: info.algorithm,
        digest: hash.copy().digest("hex"),
      };
      await this.#driver.putContent(uploadHashKey(id), JSON.stringify(state), { durable: false });
    }
    return offset + received;
  }

  async #digestOf(id: string, size: number, algorithm: string): Promise<string> {
    const running = this.#hashes.get(id);
    if (running && running.offset === size && running.algorithm === algorithm)
      return `${algorithm}:${running.hash.copy().digest("hex")}`;
    const saved = await this.#driver.getContent(uploadHashKey(id));
    if (saved) {
      const state = JSON.parse(saved.toString("utf8")) as HashState;
      if (state.offset === size && state.algorithm === algorithm) return `${algorithm}:${state.digest}`;
    }
    const hash = createHash(algorithm);
    const stream = await this.#driver.reader(uploadDataKey(id));
    if (!stream) throw new RegistryError("BLOB_UPLOAD_UNKNOWN");
    for await (const chunk of stream) hash.update(chunk as Buffer);
    return `${algorithm}:${hash.digest("hex")}`;
  }

  async #info(name: string, id: string): Promise<UploadInfo> {
    const raw = isUploadId(id) ? await this.#driver.getContent(uploadInfoKey(id)) : undefined;
    if (!raw) throw new RegistryError("BLOB_UPLOAD_UNKNOWN");
    const info = JSON.parse(raw.toString("utf8")) as UploadInfo;
    if (info.name !== name) throw new RegistryError("BLOB_UPLOAD_UNKNOWN");
    return info;
  }

  async #size(id: string): Promise<number> {
    const info = await this.#driver.stat(uploadDataKey(id));
    if (!info) throw new RegistryError("BLOB_UPLOAD_UNKNOWN");
    return info.size;
  }
}

function rangeError(offset: number): RegistryError {
  return new RegistryError("RANGE_INVALID", `the upload has ${offset} bytes; the next chunk must start there`, {
    headers: { Range: `0-${Math.max(0, offset - 1)}` },
  });
}
