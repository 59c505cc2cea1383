export { createDockerArchiveSink, dockerFiles } from "./sink.ts";
export type { DockerArchiveSinkOptions } from "./sink.ts";
export { openDockerArchiveSource } from "./source.ts";
export type { DockerArchiveSourceOptions } from "./source.ts";
export { parseDockerManifest } from "./manifest.ts";
export type { DockerManifestItem } from "./manifest.ts";
