export { StoreSink, extractTee } from "./sink.ts";
export type { StoreSinkOptions } from "./sink.ts";
export { StoreSource, storeImage } from "./source.ts";
