export * from "./digest.ts";
export * from "./media-types.ts";
export type * from "./types.ts";
export * from "./validate.ts";
