// Docker token scopes: `repository:team/app:pull,push`, `registry:catalog:*`.

export interface ResourceAccess {
  type: string;
  name: string;
  actions: string[];
}

/** Parses the `scope` query values of a token request (each may hold several space-separated scopes). */
export function parseScopes(values: string[]): ResourceAccess[] {
  const out: ResourceAccess[] = [];
  for (const value of values) {
    for (const scope of value.split(" ")) {
      const first = scope.indexOf(":");
      const last = scope.lastIndexOf(":");
      if (first <= 0 || last <= first) continue;
      const type = scope.slice(0, first).replace(/\(.*\)$/, "");
      const name = scope.slice(first + 1, last);
      const actions = scope
        .slice(last + 1)
        .split(",")
        .filter((a) => a !== "");
      if (name !== "" && actions.length > 0) out.push({ type, name, actions });
    }
  }
  return out;
}

export function formatScope(name: string, actions: readonly string[]): string {
  return `repository:${name}:${actions.join(",")}`;
}
