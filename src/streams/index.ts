// Streams: digesting, verifying and bounding transforms; compression; tar read and write; layers.
export { Digester, digesting, limitSize, verifyDigest } from "./digest.ts";
export type { LimitOptions } from "./digest.ts";
export { compress, compressor, decompress, decompressor, detectCompression, peek } from "./compression.ts";
export type { CompressOptions, DetectedCompression } from "./compression.ts";
export { readTar, TarEntry } from "./tar/reader.ts";
export type { ReadTarOptions } from "./tar/reader.ts";
export { encodeEntryHeader, tarChunks, writeTar } from "./tar/writer.ts";
export type { TarWriteEntry } from "./tar/writer.ts";
export type { TarEntryType, TarHeader, TarHeaderInput, Timestamp } from "./tar/types.ts";
export { cleanEntryPath } from "./paths.ts";
export { classifyName, isOverlayXattr, OPAQUE_MARKER, OPAQUE_XATTR, WHITEOUT_PREFIX } from "./whiteout.ts";
export type { WhiteoutName } from "./whiteout.ts";
export { extractLayer } from "./layer-extract.ts";
export type { ExtractOptions, ExtractStats } from "./layer-extract.ts";
export { createLayer, layerEntries } from "./layer-create.ts";
export type { CreateLayerOptions, LayerMode } from "./layer-create.ts";
