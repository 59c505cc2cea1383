// The registry's state over a storage driver: blobs, uploads, manifests, tags, referrers, repositories.
import type { StorageDriver } from "../storage/driver.ts";
import { BlobStore } from "./blobs.ts";
import { listRepositories } from "./catalog.ts";
import { ManifestStore } from "./manifests.ts";
import { UploadStore } from "./uploads.ts";

export interface RegistryStore {
  driver: StorageDriver;
  blobs: BlobStore;
  uploads: UploadStore;
  manifests: ManifestStore;
  repositories(): Promise<string[]>;
}

export function createStore(driver: StorageDriver, options: { maxBlobSize: number }): RegistryStore {
  const blobs = new BlobStore(driver);
  return {
    driver,
    blobs,
    uploads: new UploadStore(driver, blobs, options.maxBlobSize),
    manifests: new ManifestStore(driver),
    repositories: () => listRepositories(driver),
  };
}

export type { BlobInfo } from "./blobs.ts";
export type { ManifestMeta, StoredManifest } from "./manifests.ts";
