export { createOciArchiveSink } from "./sink.ts";
export type { OciArchiveSinkOptions } from "./sink.ts";
export { openOciArchiveSource } from "./source.ts";
export type { OciArchiveSourceOptions } from "./source.ts";
