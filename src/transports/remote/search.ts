// search: Docker Hub's search API for docker.io; a registry's /v1/search where it has one; otherwise its
// /v2/_catalog (every page) filtered by the term, so self-hosted registries can be searched too.
import { HoistError } from "../../errors.ts";
import { discard, readJson } from "../../http/index.ts";
import { registryClient, type RemoteOptions } from "./client.ts";
import { hubIndexUrl } from "./endpoint.ts";
import { responseError } from "./errors.ts";
import { paginate } from "./paginate.ts";

export interface SearchResult {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

export interface SearchOptions extends RemoteOptions {
  limit: number;
  signal?: AbortSignal;
}

/** `localhost:5000/ubu` → registry localhost:5000, term `ubu`; `ubu` → docker.io. */
export function splitSearchTerm(term: string): { registry: string; term: string } {
  const slash = term.indexOf("/");
  if (slash > 0) {
    const first = term.slice(0, slash);
    if (first === "localhost" || /[.:]/.test(first)) {
      const registry = first === "index.docker.io" || first === "registry-1.docker.io" ? "docker.io" : first;
      return { registry, term: term.slice(slash + 1) };
    }
  }
  return { registry: "docker.io", term };
}

interface V1Answer {
  results?: Partial<SearchResult>[];
}

function normalize(r: Partial<SearchResult>, prefix: string): SearchResult {
  return {
    name: `${prefix}${String(r.name ?? "")}`,
    description: String(r.description ?? ""),
    star_count: Number(r.star_count ?? 0) || 0,
    is_official: r.is_official === true,
    is_automated: r.is_automated === true,
  };
}

export async function search(registry: string, term: string, options: SearchOptions): Promise<SearchResult[]> {
  const env = options.env ?? process.env;
  const signal = options.signal ? { signal: options.signal } : {};
  const client = registryClient(registry, options);
  if (registry === "docker.io") {
    const url = new URL("/v1/search", hubIndexUrl(env));
    url.searchParams.set("q", term);
    url.searchParams.set("n", String(options.limit));
    const res = await client.plainFetch({ method: "GET", url, headers: { accept: "application/json" }, ...signal });
    if (res.status !== 200) throw await responseError(res, "searching Docker Hub");
    const doc = await readJson<V1Answer>(res);
    return (doc.results ?? []).map((r) => normalize(r, ""));
  }
  const base = await client.ping(options.signal);
  const v1 = new URL("/v1/search", base);
  v1.searchParams.set("q", term);
  v1.searchParams.set("n", String(options.limit));
  const res = await client.send({ method: "GET", path: v1, headers: { accept: "application/json" }, ...signal });
  if (res.status === 200 && /json/.test(res.headers["content-type"] ?? "")) {
    const doc = await readJson<V1Answer>(res).catch(() => undefined);
    if (doc && Array.isArray(doc.results))
      return doc.results.map((r) => normalize(r, `${registry}/`)).slice(0, options.limit);
  } else await discard(res);
  return searchCatalog(registry, term, options);
}

async function searchCatalog(registry: string, term: string, options: SearchOptions): Promise<SearchResult[]> {
  const client = registryClient(registry, options);
  const needle = term.toLowerCase();
  let repos: string[];
  try {
    repos = await paginate(
      client,
      "/v2/_catalog?n=1000",
      ["registry:catalog:*"],
      (doc) => {
        const list = (doc as { repositories?: unknown }).repositories;
        return Array.isArray(list)
          ? list.filter((r): r is string => typeof r === "string" && r.toLowerCase().includes(needle))
          : [];
      },
      {
        limit: options.limit,
        what: `repositories of ${registry}`,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
  } catch (e) {
    if (e instanceof HoistError && e.code === "NOT_FOUND")
      throw new HoistError(
        "UNSUPPORTED",
        `${registry} supports neither /v1/search nor /v2/_catalog, so it cannot be searched`,
      );
    throw e;
  }
  return repos.slice(0, options.limit).map((r) => normalize({ name: r }, `${registry}/`));
}
