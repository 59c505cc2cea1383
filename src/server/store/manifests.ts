// Manifests (stored as blobs, linked into a repository as revisions), tags, and the referrers of subjects.
import type { Descriptor, Digest } from "../../oci/index.ts";
import type { StorageDriver } from "../storage/driver.ts";
import { blobKey, manifestsKey, referrerKey, referrersKey, revisionKey, tagKey, tagsKey } from "../storage/layout.ts";
import { isDigest } from "../../oci/index.ts";
import { compareBytewise, isTag } from "../names.ts";
import { Lru } from "../lru.ts";

/** What a repository records about each manifest it holds. */
export interface ManifestMeta {
  mediaType: string;
  size: number;
  subject?: Digest;
}

export interface StoredManifest {
  digest: Digest;
  meta: ManifestMeta;
  bytes: Buffer;
}

export interface PutManifest {
  digest: Digest;
  bytes: Uint8Array;
  meta: ManifestMeta;
  /** The descriptor listed by the referrers API when the manifest has a subject. */
  referrer?: Descriptor;
  tags: string[];
}

export class ManifestStore {
  readonly #driver: StorageDriver;
  /** Manifest bytes by digest: content-addressed, so caching can never serve stale bytes. */
  readonly #cache = new Lru<string, Buffer>(64 << 20);

  constructor(driver: StorageDriver) {
    this.#driver = driver;
  }

  async resolveTag(name: string, tag: string): Promise<Digest | undefined> {
    const raw = await this.#driver.getContent(tagKey(name, tag));
    const d = raw?.toString("utf8");
    return isDigest(d) ? d : undefined;
  }

  async meta(name: string, d: Digest): Promise<ManifestMeta | undefined> {
    const raw = await this.#driver.getContent(revisionKey(name, d));
    if (!raw) return undefined;
    return JSON.parse(raw.toString("utf8")) as ManifestMeta;
  }

  async has(name: string, d: Digest): Promise<boolean> {
    return (await this.#driver.stat(revisionKey(name, d))) !== undefined;
  }

  async get(name: string, d: Digest): Promise<StoredManifest | undefined> {
    const meta = await this.meta(name, d);
    if (!meta) return undefined;
    let bytes = this.#cache.get(d);
    if (!bytes) {
      bytes = await this.#driver.getContent(blobKey(d));
      if (!bytes) return undefined;
      this.#cache.set(d, bytes, bytes.byteLength);
    }
    return { digest: d, meta, bytes };
  }

  async put(name: string, m: PutManifest): Promise<void> {
    const key = blobKey(m.digest);
    if (await this.#driver.stat(key)) await this.#driver.touch(key);
    else await this.#driver.putContent(key, m.bytes);
    await this.#driver.putContent(revisionKey(name, m.digest), JSON.stringify(m.meta));
    if (m.meta.subject && m.referrer)
      await this.#driver.putContent(referrerKey(name, m.meta.subject, m.digest), JSON.stringify(m.referrer));
    for (const tag of m.tags) await this.#driver.putContent(tagKey(name, tag), m.digest);
  }

  /** Deletes a manifest from a repository with every tag that points to it; false when it was not there. */
  async delete(name: string, d: Digest): Promise<boolean> {
    const meta = await this.meta(name, d);
    if (!meta) return false;
    for (const tag of await this.tags(name)) {
      if ((await this.resolveTag(name, tag)) === d) await this.#driver.delete(tagKey(name, tag));
    }
    if (meta.subject) await this.#driver.delete(referrerKey(name, meta.subject, d));
    return this.#driver.delete(revisionKey(name, d));
  }

  deleteTag(name: string, tag: string): Promise<boolean> {
    return this.#driver.delete(tagKey(name, tag));
  }

  async repositoryExists(name: string): Promise<boolean> {
    return (await this.#driver.stat(manifestsKey(name))) !== undefined;
  }

  /** Tags in bytewise order. */
  async tags(name: string): Promise<string[]> {
    return (await this.#driver.list(tagsKey(name))).filter(isTag).sort(compareBytewise);
  }

  /** Descriptors of the manifests in this repository whose subject is `subject`. */
  async referrers(name: string, subject: Digest): Promise<Descriptor[]> {
    const entries = await this.#driver.list(referrersKey(name, subject));
    const found = await Promise.all(
      entries.map(async (entry) => {
        const d = entry.replace("-", ":");
        if (!isDigest(d) || !(await this.has(name, d))) return undefined;
        const raw = await this.#driver.getContent(referrerKey(name, subject, d));
        return raw ? (JSON.parse(raw.toString("utf8")) as Descriptor) : undefined;
      }),
    );
    return found.filter((x): x is Descriptor => x !== undefined).sort((a, b) => compareBytewise(a.digest, b.digest));
  }
}
