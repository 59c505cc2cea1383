// `import`: a root filesystem tarball becomes a one-layer image.
import type { Readable } from "node:stream";
import { MediaType, type Digest, type ImageConfig } from "../oci/index.ts";
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

export async function importImage(store: Store, input: Readable, options: ImportOptions): Promise<Digest> {
  const changes = options.changes ?? [];
  // Validate the changes before reading anything, so bad input stores nothing.
  const containerConfig = applyChanges({}, changes);
  const sink = new StoreSink(store);
  try {
    const layer = await sink.ingestLayer(input, MediaType.ociLayer, options.signal);
    const created = options.created ?? new Date().toISOString();
    const config: ImageConfig = {
      created,
      architecture: platformArch(),
      os: "linux",
      config: canonicalContainerConfig(containerConfig),
      rootfs: { type: "layers", diff_ids: [layer.diffId] },
      history: [{ created, comment: options.comment }],
    };
    const id = await sink.putImage({ config: Buffer.from(JSON.stringify(config)), layers: [layer], names: options.names });
    await sink.commit();
    return id;
  } catch (e) {
    await sink.abort();
    throw e;
  }
}
