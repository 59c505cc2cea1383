// oci-archive as a copy source: a tar of an OCI image layout, as `podman save --format oci-archive` writes it
// (gzip- or zstd-compressed archives too; a stream is spooled to a temp file first).
import type { Platform } from "../../oci/index.ts";
import type { ImageSource, SourceImage } from "../types.ts";
import { ArchiveFile, type ArchiveInput, type ArchiveReadOptions } from "../archive-common/archive-file.ts";
import { readOciImages } from "../archive-common/oci-reader.ts";
import { hostPlatform } from "../archive-common/platform.ts";

export interface OciArchiveSourceOptions extends ArchiveReadOptions {
  /** Which image of a multi-platform index to take (default: this host's). */
  platform?: Platform;
}

export function openOciArchiveSource(input: ArchiveInput, options: OciArchiveSourceOptions = {}): ImageSource {
  const description = `oci-archive:${typeof input === "string" ? input : "-"}`;
  const file = new ArchiveFile(input, description, options);
  const platform = options.platform ?? hostPlatform();
  let images: Promise<SourceImage[]> | undefined;
  const read = async (signal?: AbortSignal) => {
    const index = await file.index(signal ? { signal } : {});
    return readOciImages(index, { platform, ...(signal ? { signal } : {}) });
  };
  return {
    description,
    images: ({ signal } = {}) => (images ??= read(signal)),
    close: async () => {
      images = undefined;
      await file.close();
    },
  };
}
