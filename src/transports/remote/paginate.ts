// Paged listings (tags, catalog): follow `Link: <…>; rel="next"` until the registry stops giving one.
import { HoistError } from "../../errors.ts";
import { readJson } from "../../http/index.ts";
import type { RegistryClient } from "./client.ts";
import { responseError } from "./errors.ts";

const MAX_PAGES = 1000;

/** The next page's URL from a Link header, resolved against the current one. */
export function nextLink(link: string | undefined, current: URL): URL | undefined {
  if (!link) return undefined;
  for (const part of link.split(",")) {
    const m = /<([^>]*)>\s*;\s*(.*)$/.exec(part.trim());
    if (m && /rel="?next"?/.test(m[2] ?? "")) return new URL(m[1] as string, current);
  }
  return undefined;
}

/** Every item across pages; `pick` takes a page's items out of its JSON; stops early once `limit` are had. */
export async function paginate<T>(
  client: RegistryClient,
  first: string,
  scopes: string[],
  pick: (doc: unknown) => T[],
  options: { signal?: AbortSignal; limit?: number; what: string },
): Promise<T[]> {
  const out: T[] = [];
  let path: string | URL = first;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await client.send({
      method: "GET",
      path,
      scopes,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (res.status !== 200) throw await responseError(res, `listing ${options.what}`);
    const next = nextLink(res.headers["link"], res.url);
    out.push(...pick(await readJson<unknown>(res, 16 << 20)));
    if (!next || (options.limit !== undefined && out.length >= options.limit)) return out;
    path = next;
  }
  throw new HoistError("REGISTRY", `listing ${options.what}: more than ${MAX_PAGES} pages`);
}
