// Per-repository access rules: who may pull, push and delete. The first rule whose pattern matches decides.
//   { repository: "team/*", pull: ["*"], push: ["alice"] }
// Principals: a user name, "*" for everyone (anonymous too), "+" for any signed-in user.
// `*` in a pattern matches any run of characters, slashes included. `delete` defaults to the push list.
// Without a matching rule: signed-in users may do everything and anonymous users nothing, or, when the server
// has no authentication at all, everyone may do everything.

export type Action = "pull" | "push" | "delete";

export interface AccessRule {
  repository: string;
  pull?: string[];
  push?: string[];
  delete?: string[];
}

interface CompiledRule {
  pattern: RegExp;
  rule: AccessRule;
}

export class AccessPolicy {
  readonly #rules: CompiledRule[];
  readonly #open: boolean;

  /** `open`: no authentication is configured, so an unmatched repository is open to all. */
  constructor(rules: AccessRule[], open: boolean) {
    this.#open = open;
    this.#rules = rules.map((rule) => ({ pattern: globToRegExp(rule.repository), rule }));
  }

  get hasRules(): boolean {
    return this.#rules.length > 0;
  }

  allowed(user: string | undefined, repository: string, action: Action): boolean {
    const match = this.#rules.find((r) => r.pattern.test(repository));
    if (!match) return this.#open || user !== undefined;
    const list = action === "delete" ? (match.rule.delete ?? match.rule.push) : match.rule[action];
    if (!list) return false;
    return list.some((p) => p === "*" || (p === "+" && user !== undefined) || (user !== undefined && p === user));
  }

  /** The subset of `actions` that `user` holds on a repository. */
  granted(user: string | undefined, repository: string, actions: readonly string[]): Action[] {
    const out: Action[] = [];
    for (const a of actions) {
      if ((a === "pull" || a === "push" || a === "delete") && this.allowed(user, repository, a) && !out.includes(a))
        out.push(a);
      if (a === "*")
        for (const x of ["pull", "push", "delete"] as const)
          if (this.allowed(user, repository, x) && !out.includes(x)) out.push(x);
    }
    return out;
  }
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}
