// Tags of a repository and repositories of a registry (/v2/<name>/tags/list, /v2/_catalog), all pages.
import type { RegistryClient } from "./client.ts";
import { repoScope } from "./client.ts";
import { paginate } from "./paginate.ts";

const PAGE = 1000;

export async function listTags(
  client: RegistryClient,
  repo: string,
  options: { signal?: AbortSignal; limit?: number } = {},
): Promise<string[]> {
  return paginate(
    client,
    `/v2/${repo}/tags/list?n=${PAGE}`,
    [repoScope(repo)],
    (doc) => {
      const tags = (doc as { tags?: unknown }).tags;
      return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
    },
    { ...options, what: `tags of ${repo}` },
  );
}

export async function listCatalog(
  client: RegistryClient,
  options: { signal?: AbortSignal; limit?: number } = {},
): Promise<string[]> {
  return paginate(
    client,
    `/v2/_catalog?n=${PAGE}`,
    ["registry:catalog:*"],
    (doc) => {
      const repos = (doc as { repositories?: unknown }).repositories;
      return Array.isArray(repos) ? repos.filter((r): r is string => typeof r === "string") : [];
    },
    { ...options, what: `repositories of ${client.registry}` },
  );
}
