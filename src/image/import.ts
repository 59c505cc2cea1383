// `import`: a root filesystem tarball becomes a one-layer image.
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { isHoistError } from "../errors.ts";
import {
  MediaType,
  digestHex,
  goTimestamp,
  hasher,
  type ContainerConfig,
  type Digest,
  type ImageConfig,
} from "../oci/index.ts";
import { decompress, detectCompression, digesting } from "../streams/index.ts";
import type { LayerRef } from "../transports/types.ts";
import type { Store } from "../store/index.ts";
import { StoreSink } from "../transports/store/index.ts";
import { applyChanges, canonicalContainerConfig } from "./changes.ts";
import { platformArch } from "./platform.ts";

export interface ImportOptions {
  changes?: string[];
  comment: string;
  names: string[];
  signal?: AbortSignal;
  /** Fixed creation time (tests, reproducible imports); default now. */
  created?: string;
}

/** Import a tarball from a stream, or from a file path (then a layer the store already has is not extracted again). */
export async function importImage(store: Store, input: Readable | string, options: ImportOptions): Promise<Digest> {
  // Validate the changes before reading anything, so bad input stores nothing.
  const containerConfig = applyChanges({}, options.changes ?? []);
  if (typeof input === "string") {
    const known = await knownLayer(store, input, options.signal);
    if (known) {
      try {
        return await importWith(store, known, containerConfig, options);
      } catch (e) {
        // The layer was removed by another process meanwhile: import it for real.
        if (!isHoistError(e, "CONFLICT")) throw e;
      }
    }
    return importWith(store, createReadStream(input, { highWaterMark: 1 << 20 }), containerConfig, options);
  }
  return importWith(store, input, containerConfig, options);
}

/** The digest of an uncompressed tarball file, read in 1 MiB chunks (no stream machinery: this is on the path of
 * every import of a known layer); undefined when its first bytes say it is compressed. */
function plainTarDigest(path: string): Digest | undefined {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let n = readSync(fd, buf, 0, buf.length, null);
    if (detectCompression(buf.subarray(0, n)) !== "none") return undefined;
    const h = hasher();
    for (; n > 0; n = readSync(fd, buf, 0, buf.length, null)) h.update(buf.subarray(0, n));
    return h.digest();
  } finally {
    closeSync(fd);
  }
}

/** The stored layer a blob is, when the store has it: its descriptor, diffID and sizes. */
function storedLayer(store: Store, diffId: Digest, blob: Digest): LayerRef | undefined {
  const rec = store.state().layers[digestHex(diffId)];
  const stored = rec?.blobs.find((b) => b.digest === blob);
  if (!rec || !stored) return undefined;
  return {
    descriptor: { mediaType: stored.mediaType, digest: stored.digest, size: stored.size },
    diffId: rec.diffId,
    compression: stored.compression,
    uncompressedSize: rec.tarSize,
  };
}

/** The stored layer a tarball file holds, found by hashing it (cheap) instead of extracting it (not cheap). */
async function knownLayer(store: Store, path: string, signal?: AbortSignal): Promise<LayerRef | undefined> {
  // An uncompressed tarball's diffID is its blob digest: hash it once.
  const plainDigest = plainTarDigest(path);
  if (plainDigest) return storedLayer(store, plainDigest, plainDigest);
  const blob = digesting();
  const plain = await decompress(createReadStream(path, { highWaterMark: 1 << 20 }).pipe(blob));
  const sinkhole = new Writable({ write: (_c, _e, cb) => cb() });
  const diff = digesting();
  await pipeline(plain.stream, diff, sinkhole, signal ? { signal } : {});
  return storedLayer(store, diff.digest(), blob.digest());
}

async function importWith(
  store: Store,
  input: Readable | LayerRef,
  containerConfig: ContainerConfig,
  options: ImportOptions,
): Promise<Digest> {
  const sink = new StoreSink(store);
  try {
    const layer = "diffId" in input ? input : await sink.ingestLayer(input, MediaType.ociLayer, options.signal);
    const created = options.created ?? goTimestamp();
    const config: ImageConfig = {
      created,
      architecture: platformArch(),
      os: "linux",
      config: canonicalContainerConfig(containerConfig),
      rootfs: { type: "layers", diff_ids: [layer.diffId] },
      history: [{ created, comment: options.comment }],
    };
    const id = await sink.putImage({
      config: Buffer.from(JSON.stringify(config)),
      layers: [layer],
      names: options.names,
    });
    await sink.commit();
    return id;
  } catch (e) {
    await sink.abort();
    throw e;
  }
}
