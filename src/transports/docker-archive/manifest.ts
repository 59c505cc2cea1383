// docker save's manifest.json: one item per image, naming the config and layer files inside the archive.
import { HoistError } from "../../errors.ts";

export interface DockerManifestItem {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

export const MAX_DOCKER_MANIFEST_BYTES = 8 << 20;

/** Parse and check manifest.json; BAD_ARCHIVE when it is not the shape docker writes. */
export function parseDockerManifest(bytes: Buffer, where: string): DockerManifestItem[] {
  const bad = (why: string) => new HoistError("BAD_ARCHIVE", `${where}: invalid manifest.json: ${why}`);
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    throw bad((e as Error).message);
  }
  if (!Array.isArray(doc)) throw bad("not a JSON array");
  return doc.map((item: unknown, i): DockerManifestItem => {
    if (typeof item !== "object" || item === null) throw bad(`item ${i} is not an object`);
    const { Config, RepoTags, Layers } = item as Record<string, unknown>;
    if (typeof Config !== "string" || Config === "") throw bad(`item ${i} has no Config`);
    if (!Array.isArray(Layers) || !Layers.every((l) => typeof l === "string"))
      throw bad(`item ${i} has no Layers list`);
    if (
      RepoTags !== undefined &&
      RepoTags !== null &&
      (!Array.isArray(RepoTags) || !RepoTags.every((t) => typeof t === "string"))
    )
      throw bad(`item ${i} has a bad RepoTags list`);
    return { Config, RepoTags: (RepoTags ?? []) as string[], Layers: Layers as string[] };
  });
}
