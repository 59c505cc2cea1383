// Compose a fetch from interceptors: pipeline(transport, a, b, c) = a(b(c(transport))), outermost first.
import type { Fetch, Interceptor } from "./types.ts";

export function pipeline(transport: Fetch, ...interceptors: Interceptor[]): Fetch {
  return interceptors.reduceRight<Fetch>((next, wrap) => wrap(next), transport);
}
