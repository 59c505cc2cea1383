// Follow redirects (blob GETs go to object storage): Authorization is never carried to another host.
import { HoistError } from "../errors.ts";
import { discard } from "./body.ts";
import { replayable, withHeader, type HttpRequest, type Interceptor } from "./types.ts";

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function redirect(options: { max?: number } = {}): Interceptor {
  const max = options.max ?? 10;
  return (next) => async (req) => {
    let cur: HttpRequest = req;
    for (let hops = 0; ; hops++) {
      const res = await next(cur);
      const location = res.headers["location"];
      if (!REDIRECTS.has(res.status) || location === undefined) return res;
      // An upload's 3xx with a body already streamed cannot be followed.
      if (!replayable(cur.body) && cur.method !== "GET" && cur.method !== "HEAD") return res;
      if (hops >= max) {
        await discard(res);
        throw new HoistError("REGISTRY", `too many redirects from ${req.url.origin}${req.url.pathname}`);
      }
      await discard(res);
      const url = new URL(location, cur.url);
      if (url.protocol !== "https:" && url.protocol !== "http:")
        throw new HoistError("REGISTRY", `refusing redirect to ${url.protocol} URL`);
      if (url.protocol === "http:" && cur.url.protocol === "https:" && url.host !== cur.url.host)
        throw new HoistError("REGISTRY", `refusing redirect from HTTPS to plain HTTP at ${url.host}`);
      let nextReq: HttpRequest = { ...cur, url };
      if (url.host !== cur.url.host || url.protocol !== cur.url.protocol)
        nextReq = withHeader(nextReq, "authorization", undefined);
      if (res.status === 303 && cur.method !== "HEAD") {
        const { body: _body, ...rest } = nextReq;
        nextReq = { ...rest, method: "GET" };
      }
      cur = nextReq;
    }
  };
}
