// GET /v2/_catalog (paginated) and GET /v1/search (Docker Hub's search JSON), both limited to what the caller may pull.
import type { Digest, ImageConfig, Index, Manifest } from "../../oci/index.ts";
import { isIndexType } from "../../oci/index.ts";
import type { Registry } from "../context.ts";
import type { RequestContext } from "../http.ts";
import { clampedInt, sendJson } from "../http.ts";
import { blobKey } from "../storage/layout.ts";
import { paginate } from "./tags.ts";

const descriptionLabel = "org.opencontainers.image.description";

async function visibleRepositories(registry: Registry, ctx: RequestContext): Promise<string[]> {
  const identity = registry.auth.identify(ctx.req, ctx.origin);
  return (await registry.store.repositories()).filter((name) => identity.can(name, "pull"));
}

export async function catalog(registry: Registry, ctx: RequestContext): Promise<void> {
  const repos = await visibleRepositories(registry, ctx);
  const { page, link } = paginate(repos, ctx.query, registry.limits.maxPageSize, "/v2/_catalog");
  sendJson(ctx, 200, { repositories: page }, link ? { Link: link } : {});
}

async function readJson<T>(registry: Registry, d: Digest, limit = 1 << 20): Promise<T | undefined> {
  const info = await registry.store.driver.stat(blobKey(d));
  if (!info || info.size > limit) return undefined;
  const raw = await registry.store.driver.getContent(blobKey(d));
  try {
    return raw ? (JSON.parse(raw.toString("utf8")) as T) : undefined;
  } catch {
    return undefined;
  }
}

/** The image's description label (from `latest`, or the first tag), or its manifest annotation. */
export async function describe(registry: Registry, name: string): Promise<string> {
  const { manifests } = registry.store;
  const tags = await manifests.tags(name);
  const tag = tags.includes("latest") ? "latest" : tags[0];
  let d = tag === undefined ? undefined : await manifests.resolveTag(name, tag);
  for (let depth = 0; d && depth < 3; depth++) {
    const m = await manifests.get(name, d);
    if (!m) return "";
    const doc = JSON.parse(m.bytes.toString("utf8")) as Partial<Manifest & Index>;
    const annotated = doc.annotations?.[descriptionLabel];
    if (isIndexType(m.meta.mediaType)) {
      if (annotated) return annotated;
      d = doc.manifests?.find((c) => c.platform?.os !== "unknown")?.digest;
      continue;
    }
    const config = doc.config ? await readJson<ImageConfig>(registry, doc.config.digest) : undefined;
    return config?.config?.Labels?.[descriptionLabel] ?? annotated ?? "";
  }
  return "";
}

export async function search(registry: Registry, ctx: RequestContext): Promise<void> {
  const q = (ctx.query.get("q") ?? "").trim();
  const pageSize = Math.max(1, clampedInt(ctx.query.get("n"), 25, 100));
  const page = Math.max(1, clampedInt(ctx.query.get("page"), 1, 1_000_000));
  const terms = q
    .toLowerCase()
    .split(/\s+/)
    .filter((t) => t !== "");
  const matches = (await visibleRepositories(registry, ctx)).filter((name) => terms.every((t) => name.includes(t)));
  const slice = matches.slice((page - 1) * pageSize, page * pageSize);
  const results = await Promise.all(
    slice.map(async (name) => ({
      name,
      description: await describe(registry, name).catch(() => ""),
      star_count: 0,
      is_official: false,
      is_automated: false,
    })),
  );
  sendJson(ctx, 200, {
    num_pages: Math.max(1, Math.ceil(matches.length / pageSize)),
    num_results: matches.length,
    page_size: pageSize,
    page,
    query: q,
    results,
  });
}
