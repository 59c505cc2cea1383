// oci-layout as a copy source: an OCI image layout directory (index.json, blobs/…), as skopeo's `oci:DIR`,
// umoci and buildx write it. Nested indexes give the image for the wanted platform.
import type { Platform } from "../../oci/index.ts";
import type { ImageSource, SourceImage } from "../types.ts";
import { DirReader } from "../archive-common/file-reader.ts";
import { readOciImages } from "../archive-common/oci-reader.ts";
import { hostPlatform } from "../archive-common/platform.ts";

export interface OciLayoutSourceOptions {
  /** Which image of a multi-platform index to take (default: this host's, linux/amd64 on x86-64). */
  platform?: Platform;
}

/** A source over an OCI layout directory; nothing is read until images() is called. */
export function openOciLayoutSource(dir: string, options: OciLayoutSourceOptions = {}): ImageSource {
  const reader = new DirReader(dir, `oci:${dir}`);
  const platform = options.platform ?? hostPlatform();
  let images: Promise<SourceImage[]> | undefined;
  return {
    description: reader.description,
    images: ({ signal } = {}) => (images ??= readOciImages(reader, { platform, ...(signal ? { signal } : {}) })),
    close: async () => {
      images = undefined;
    },
  };
}
