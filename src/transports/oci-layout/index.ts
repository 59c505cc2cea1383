export { createOciLayoutSink } from "./sink.ts";
export type { OciLayoutSinkOptions } from "./sink.ts";
export { openOciLayoutSource } from "./source.ts";
export type { OciLayoutSourceOptions } from "./source.ts";
