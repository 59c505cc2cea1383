import { runConformance, treeSnapshot } from "../archive-common/conformance.ts";
import { createOciLayoutSink, openOciLayoutSource } from "./index.ts";

runConformance({
  name: "oci-layout",
  sink: (place) => createOciLayoutSink(place),
  source: (place) => openOciLayoutSource(place),
  snapshot: treeSnapshot,
});
