// GET /v2/<name>/tags/list?n=&last=: bytewise-sorted tags, paginated with a Link header.
import type { RouteRequest } from "../context.ts";
import { RegistryError } from "../errors.ts";
import { clampedInt, sendJson } from "../http.ts";
import { compareBytewise } from "../names.ts";

/** One page of a sorted list after `last`, and the Link header to the next page when more remain. */
export function paginate(
  items: string[],
  query: URLSearchParams,
  max: number,
  path: string,
): { page: string[]; link?: string } {
  const n = clampedInt(query.get("n"), max, max);
  const last = query.get("last");
  const after = last === null || last === "" ? items : items.filter((t) => compareBytewise(t, last) > 0);
  const page = after.slice(0, n);
  const end = page[page.length - 1];
  if (n === 0 || after.length <= n || end === undefined) return { page };
  return { page, link: `<${path}?n=${n}&last=${encodeURIComponent(end)}>; rel="next"` };
}

export async function listTags(r: RouteRequest): Promise<void> {
  const { manifests } = r.registry.store;
  if (!(await manifests.repositoryExists(r.name)))
    throw new RegistryError("NAME_UNKNOWN", undefined, { detail: { name: r.name } });
  const { page, link } = paginate(
    await manifests.tags(r.name),
    r.query,
    r.registry.limits.maxPageSize,
    `/v2/${r.name}/tags/list`,
  );
  sendJson(r, 200, { name: r.name, tags: page }, link ? { Link: link } : {});
}
