// Shared by the docker-archive, oci-archive and oci-layout transports: reading tar archives by offset, reading
// and writing OCI layouts, the sink they all use, names and platforms.
export { ArchiveFile } from "./archive-file.ts";
export type { ArchiveInput, ArchiveReadOptions } from "./archive-file.ts";
export { indexJson, OCI_LAYOUT_FILE, TarBlobTarget } from "./blob-target.ts";
export type { BlobTarget, TopFile } from "./blob-target.ts";
export { DirReader } from "./file-reader.ts";
export type { FileReader } from "./file-reader.ts";
export { indexEntries, LayoutSink } from "./layout-sink.ts";
export type { LayoutSinkOptions, SavedImage } from "./layout-sink.ts";
export {
  CONTAINERD_NAME,
  familiarTag,
  nameFromAnnotations,
  normalizeArchiveName,
  OCI_REF_NAME,
  sinkNames,
} from "./names.ts";
export { blobPath, layerRefs, ociImage, openBlob, readBlob, readOciImages } from "./oci-reader.ts";
export type { OciReadOptions } from "./oci-reader.ts";
export { hostPlatform, platformMatches, platformString } from "./platform.ts";
export { cleanArchivePath, TarIndex } from "./tar-index.ts";
export type { MemberType, TarMember } from "./tar-index.ts";
export { FIXED_MTIME, TarOutput } from "./tar-output.ts";
export type { ArchiveTarget, ArchiveWriteOptions } from "./tar-output.ts";
