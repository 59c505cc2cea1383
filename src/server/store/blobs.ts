// Blobs: stored once under blobs/, and linked into each repository that holds them.
import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Digest } from "../../oci/index.ts";
import type { ReadOptions, StorageDriver } from "../storage/driver.ts";
import { blobKey, layerLinkKey } from "../storage/layout.ts";

export interface BlobInfo {
  digest: Digest;
  size: number;
}

export class BlobStore {
  readonly #driver: StorageDriver;

  constructor(driver: StorageDriver) {
    this.#driver = driver;
  }

  /** The blob as this repository sees it: linked here and present in storage. */
  async stat(name: string, d: Digest): Promise<BlobInfo | undefined> {
    const [link, info] = await Promise.all([this.#driver.stat(layerLinkKey(name, d)), this.#driver.stat(blobKey(d))]);
    if (!link || !info || info.isDir) return undefined;
    return { digest: d, size: info.size };
  }

  async exists(d: Digest): Promise<boolean> {
    const info = await this.#driver.stat(blobKey(d));
    return info !== undefined && !info.isDir;
  }

  async isLinked(name: string, d: Digest): Promise<boolean> {
    return (await this.#driver.stat(layerLinkKey(name, d))) !== undefined;
  }

  open(d: Digest, range?: ReadOptions): Promise<Readable | undefined> {
    return this.#driver.reader(blobKey(d), range);
  }

  /** Writes a blob (or a range) into `out` and ends it, by the driver's fastest way; false when it is missing. */
  async send(d: Digest, out: Writable, range?: ReadOptions): Promise<boolean> {
    if (this.#driver.sendTo) return this.#driver.sendTo(blobKey(d), out, range);
    const stream = await this.open(d, range);
    if (!stream) return false;
    await pipeline(stream, out);
    return true;
  }

  /** Links a stored blob into a repository; touching it so a running garbage collection keeps it. */
  async link(name: string, d: Digest): Promise<void> {
    await this.#driver.touch(blobKey(d));
    await this.#driver.putContent(layerLinkKey(name, d), d);
  }

  /** Marks a blob as used now (a manifest referencing it was pushed): garbage collection's grace period covers it. */
  touch(d: Digest): Promise<void> {
    return this.#driver.touch(blobKey(d));
  }

  unlink(name: string, d: Digest): Promise<boolean> {
    return this.#driver.delete(layerLinkKey(name, d));
  }
}
