// The registry transport: an image in a registry as a copy source and sink, plus tags, catalog and search.
export { RegistryClient, registryClient, repoScope } from "./client.ts";
export type { RemoteOptions, SendInit } from "./client.ts";
export { hubIndexUrl, isInsecure, registryEndpoints } from "./endpoint.ts";
export type { EndpointOptions, Endpoints } from "./endpoint.ts";
export { isRetryableResponseError, parseSpecErrors, responseError } from "./errors.ts";
export { MANIFEST_ACCEPT, digestOf, getManifest, mediaTypeOf, putManifest } from "./manifest.ts";
export { openBlob } from "./blob-reader.ts";
export type { BlobReadOptions } from "./blob-reader.ts";
export { blobExists, mountBlob, startUpload, uploadBlob } from "./upload.ts";
export type { BlobTarget, MountResult, UploadOptions } from "./upload.ts";
export {
  choosePlatform,
  defaultPlatform,
  formatPlatform,
  normalizePlatform,
  parsePlatform,
  platformDistance,
} from "./platform.ts";
export { RemoteSource, configPlatform } from "./source.ts";
export type { RemoteSourceOptions, Resolved } from "./source.ts";
export { RemoteSink } from "./sink.ts";
export type { PushEvent, RemoteSinkOptions } from "./sink.ts";
export { listCatalog, listTags } from "./tags.ts";
export { nextLink } from "./paginate.ts";
export { search, splitSearchTerm } from "./search.ts";
export type { SearchOptions, SearchResult } from "./search.ts";
export { checkLogin } from "./login.ts";
export type { LoginResult } from "./login.ts";
