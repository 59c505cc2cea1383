export { applyChanges } from "./changes.ts";
export { importImage } from "./import.ts";
export type { ImportOptions } from "./import.ts";
export { platformArch, platformString } from "./platform.ts";
