// docker-archive as a copy destination: what docker 25+ `docker save` writes. An OCI layout (oci-layout,
// index.json, blobs/sha256/…) with plain-tar layers, plus manifest.json and repositories for older loaders.
// Streamed: layers go out as they come (each once); shared files and the index come last.
import { digestHex } from "../../oci/index.ts";
import type { ImageSink } from "../types.ts";
import { TarBlobTarget, type TopFile } from "../archive-common/blob-target.ts";
import { LayoutSink, type SavedImage } from "../archive-common/layout-sink.ts";
import { familiarTag } from "../archive-common/names.ts";
import { blobPath } from "../archive-common/oci-reader.ts";
import type { ArchiveTarget, ArchiveWriteOptions } from "../archive-common/tar-output.ts";

export type DockerArchiveSinkOptions = ArchiveWriteOptions;

/** A sink writing one docker-archive (any number of images) to a file (atomically, at commit) or a stream. */
export function createDockerArchiveSink(target: ArchiveTarget, options: DockerArchiveSinkOptions = {}): ImageSink {
  const description = `docker-archive:${typeof target === "string" ? target : "-"}`;
  return new LayoutSink(new TarBlobTarget(target, description, options), {
    description,
    uncompressed: true,
    refNames: "docker",
    extraFiles: dockerFiles,
  });
}

interface ManifestItem {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

/** manifest.json (docker's entry point) and the legacy repositories file (repo → tag → top layer). */
export function dockerFiles(images: readonly SavedImage[]): TopFile[] {
  const manifest: ManifestItem[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const image of images) {
    const tags = image.names.map(familiarTag).filter((t) => t !== undefined);
    manifest.push({
      Config: blobPath(image.id),
      RepoTags: tags.length > 0 ? tags.map((t) => t.repoTag) : null,
      Layers: image.diffIds.map(blobPath),
    });
    const top = image.diffIds.at(-1);
    if (top === undefined) continue;
    for (const t of tags) (repositories[t.repo] ??= {})[t.tag] = digestHex(top);
  }
  const files: TopFile[] = [{ name: "manifest.json", bytes: Buffer.from(`${JSON.stringify(manifest)}\n`) }];
  if (Object.keys(repositories).length > 0)
    files.push({ name: "repositories", bytes: Buffer.from(`${JSON.stringify(sortKeys(repositories))}\n`) });
  return files;
}

function sortKeys(repos: Record<string, Record<string, string>>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const repo of Object.keys(repos).sort()) {
    const tags = repos[repo] ?? {};
    out[repo] = Object.fromEntries(
      Object.keys(tags)
        .sort()
        .map((t) => [t, tags[t] as string]),
    );
  }
  return out;
}
