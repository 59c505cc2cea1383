import { fileSnapshot, runConformance } from "../archive-common/conformance.ts";
import { createOciArchiveSink, openOciArchiveSource } from "./index.ts";

runConformance({
  name: "oci-archive",
  sink: (place) => createOciArchiveSink(place),
  source: (place) => openOciArchiveSource(place),
  snapshot: fileSnapshot,
});
