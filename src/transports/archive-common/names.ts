// Image names in archives: RepoTags in docker's familiar form, OCI ref-name annotations, normalized names out.
import { HoistError } from "../../errors.ts";
import { familiarString, parseNormalizedNamed, tagOrDefault, toString } from "../../ref/index.ts";
import type { Reference } from "../../ref/index.ts";

/** containerd's full-name annotation (docker 25+ writes it next to the OCI one). */
export const CONTAINERD_NAME = "io.containerd.image.name";
/** The OCI image-layout ref-name annotation: a full reference (podman) or just a tag (skopeo, docker). */
export const OCI_REF_NAME = "org.opencontainers.image.ref.name";

/** A tagged reference from a name, or undefined for a digest reference (archives only carry tags). */
export function taggedRef(name: string): (Reference & { tag: string }) | undefined {
  const ref = tagOrDefault(parseNormalizedNamed(name));
  if (ref.digest !== undefined || ref.tag === undefined) return undefined;
  return ref as Reference & { tag: string };
}

/** `busybox:latest` → `docker.io/library/busybox:latest`; invalid names are BAD_ARCHIVE (they come from the archive). */
export function normalizeArchiveName(name: string, where: string): string | undefined {
  try {
    const ref = taggedRef(name);
    return ref === undefined ? undefined : toString(ref);
  } catch (e) {
    throw new HoistError("BAD_ARCHIVE", `${where}: invalid image name ${JSON.stringify(name)}`, { cause: e });
  }
}

/** What an index.json entry names: containerd's annotation, else the OCI ref name when it is a full reference. */
export function nameFromAnnotations(
  annotations: Record<string, string> | undefined,
  where: string,
): string | undefined {
  const full = annotations?.[CONTAINERD_NAME];
  if (full !== undefined && full !== "") return normalizeArchiveName(full, where);
  const ref = annotations?.[OCI_REF_NAME];
  // A tag cannot hold "/" or ":", so a ref name without them is only a tag and names no repository.
  if (ref === undefined || !/[/:@]/.test(ref)) return undefined;
  return normalizeArchiveName(ref, where);
}

/** The familiar `repo:tag` docker writes in RepoTags and `repositories`, for a normalized name. */
export function familiarTag(name: string): { repoTag: string; repo: string; tag: string; full: string } | undefined {
  const ref = taggedRef(name);
  if (ref === undefined) return undefined;
  const repoTag = familiarString(ref);
  return { repoTag, repo: repoTag.slice(0, repoTag.length - ref.tag.length - 1), tag: ref.tag, full: toString(ref) };
}

/** Names given to a sink, normalized and without duplicates; digest references are dropped (INVALID_REFERENCE when malformed). */
export function sinkNames(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    const ref = taggedRef(n);
    if (ref !== undefined && !out.includes(toString(ref))) out.push(toString(ref));
  }
  return out;
}
