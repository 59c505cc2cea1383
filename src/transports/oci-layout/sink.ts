// oci-layout as a copy destination: an OCI image layout directory that skopeo (`oci:DIR`), umoci and podman read.
// Layers are kept as the source has them; a source's OCI manifest is kept byte for byte. Writing into an
// existing layout adds to it (an image taking an existing ref name replaces that entry, as skopeo does).
import type { ImageSink } from "../types.ts";
import { LayoutSink } from "../archive-common/layout-sink.ts";
import { DirBlobTarget } from "./dir-target.ts";

export type OciLayoutSinkOptions = Record<string, never>;

/** A sink writing into the layout directory `dir`; nothing appears there before commit. */
export function createOciLayoutSink(dir: string, _options: OciLayoutSinkOptions = {}): ImageSink {
  const description = `oci:${dir}`;
  return new LayoutSink(new DirBlobTarget(dir, description), { description, uncompressed: false, refNames: "oci" });
}
