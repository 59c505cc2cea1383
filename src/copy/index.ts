export { copy } from "./copy.ts";
export type { CopyOptions } from "./copy.ts";
