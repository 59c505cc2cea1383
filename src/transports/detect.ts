// Which transport an archive given to `load` is: an OCI layout directory, a docker-archive, or an oci-archive.
import { statSync } from "node:fs";
import type { ArchiveInput } from "./archive-common/archive-file.ts";
import { openDockerArchiveSource } from "./docker-archive/index.ts";
import { openOciLayoutSource } from "./oci-layout/index.ts";
import type { ImageSource } from "./types.ts";

export async function openArchiveSource(
  input: ArchiveInput,
  _options: { signal?: AbortSignal } = {},
): Promise<ImageSource> {
  if (typeof input === "string" && isDir(input)) return openOciLayoutSource(input);
  return openDockerArchiveSource(input);
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
