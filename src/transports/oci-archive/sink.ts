// oci-archive as a copy destination: a tar of an OCI image layout, layers kept as the source has them.
// Index entries carry the full image name in org.opencontainers.image.ref.name, as podman writes it.
import type { ImageSink } from "../types.ts";
import { TarBlobTarget } from "../archive-common/blob-target.ts";
import { LayoutSink } from "../archive-common/layout-sink.ts";
import type { ArchiveTarget, ArchiveWriteOptions } from "../archive-common/tar-output.ts";

export type OciArchiveSinkOptions = ArchiveWriteOptions;

/** A sink writing one OCI archive to a file (atomically, at commit) or a stream. */
export function createOciArchiveSink(target: ArchiveTarget, options: OciArchiveSinkOptions = {}): ImageSink {
  const description = `oci-archive:${typeof target === "string" ? target : "-"}`;
  return new LayoutSink(new TarBlobTarget(target, description, options), {
    description,
    uncompressed: false,
    refNames: "oci",
  });
}
