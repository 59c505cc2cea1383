// `import`: a root filesystem tarball becomes a one-layer image.
import type { Readable } from "node:stream";
import { MediaType, type Digest, type ImageConfig } from "../oci/index.ts";
import type { Store } from "../store/index.ts";
import { StoreSink } from "../transports/store/index.ts";
import { applyChanges } from "./changes.ts";
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
      architecture: platformArch(),
      os: "linux",
      config: containerConfig,
      created,
      history: [{ created, created_by: "", comment: options.comment }],
      rootfs: { type: "layers", diff_ids: [layer.diffId] },
    };
    const id = await sink.putImage({ config: Buffer.from(JSON.stringify(config)), layers: [layer], names: options.names });
    await sink.commit();
    return id;
  } catch (e) {
    await sink.abort();
    throw e;
  }
}
