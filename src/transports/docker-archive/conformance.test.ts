import { fileSnapshot, runConformance } from "../archive-common/conformance.ts";
import { createDockerArchiveSink, openDockerArchiveSource } from "./index.ts";

runConformance({
  name: "docker-archive",
  sink: (place) => createDockerArchiveSink(place),
  source: (place) => openDockerArchiveSource(place),
  snapshot: fileSnapshot,
});
