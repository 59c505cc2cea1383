// Which instructions expand which variables, as BuildKit's dispatcher does (dockerfile2llb/convert.go):
// ENV, LABEL, ARG keys and values; ADD/COPY sources, destination, --chown, --chmod, --exclude (and ADD's
// --checksum); heredoc sources of ADD/COPY whose name was not quoted (quotes kept); EXPOSE ports (split
// into words); USER, WORKDIR, STOPSIGNAL, VOLUME; RUN --mount values; FROM's image and --platform (with
// the meta args only). RUN/CMD/ENTRYPOINT/SHELL/HEALTHCHECK commands are left to the shell at run time,
// ONBUILD to the child build; COPY --from is resolved by the planner against the meta args.
import type { Command, FromInstruction, KeyValue } from "./instruction-types.ts";
import { parseMount, type Mount } from "./run-mount.ts";
import { processWordWithMatches, type EscapeToken, type Env, type LexOptions } from "./shell-lex.ts";

export interface Expansion<T> {
  /** The instruction with its expandable fields expanded. */
  value: T;
  /** RUN only: the parsed `--mount` values, expanded. */
  mounts?: Mount[];
  /** Variables looked up and set: what the result depends on (for cache keys). */
  matched: Set<string>;
  /** Variables looked up but unset (BuildKit lints these). */
  unmatched: Set<string>;
}

class Expander {
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();
  private readonly env: Env;
  private readonly escapeToken: EscapeToken;

  constructor(env: Env, escapeToken: EscapeToken) {
    this.env = env;
    this.escapeToken = escapeToken;
  }

  private run(word: string, options: LexOptions) {
    const r = processWordWithMatches(word, this.env, options);
    for (const name of r.matched) this.matched.add(name);
    for (const name of r.unmatched) this.unmatched.add(name);
    return r;
  }

  readonly word = (word: string): string => this.run(word, { escapeToken: this.escapeToken }).result;
  readonly words = (word: string): string[] => this.run(word, { escapeToken: this.escapeToken }).words;
  /** Heredoc bodies: only `$` is special, quotes stay (BuildKit always uses `\` here). */
  readonly raw = (word: string): string => this.run(word, { skipProcessQuotes: true }).result;

  readonly pairs = (pairs: readonly KeyValue[]): KeyValue[] =>
    pairs.map((p) => ({ ...p, key: this.word(p.key), value: this.word(p.value) }));
}

function expandWith<C extends Command>(cmd: C, ex: Expander): { value: Command; mounts?: Mount[] } {
  switch (cmd.kind) {
    case "env":
      return { value: { ...cmd, env: ex.pairs(cmd.env) } };
    case "label":
      return { value: { ...cmd, labels: ex.pairs(cmd.labels) } };
    case "arg":
      return {
        value: {
          ...cmd,
          args: cmd.args.map((a) => ({
            ...a,
            key: ex.word(a.key),
            ...(a.value === undefined ? {} : { value: ex.word(a.value) }),
          })),
        },
      };
    case "add":
    case "copy": {
      const files = {
        sources: cmd.sources.map(ex.word),
        dest: ex.word(cmd.dest),
        chown: ex.word(cmd.chown),
        chmod: ex.word(cmd.chmod),
        exclude: cmd.exclude.map(ex.word),
        sourceContents: cmd.sourceContents.map((c) => (c.expand ? { ...c, data: ex.raw(c.data) } : c)),
      };
      return cmd.kind === "add"
        ? { value: { ...cmd, ...files, checksum: ex.word(cmd.checksum) } }
        : { value: { ...cmd, ...files } };
    }
    case "expose":
      return { value: { ...cmd, ports: cmd.ports.flatMap(ex.words) } };
    case "user":
      return { value: { ...cmd, user: ex.word(cmd.user) } };
    case "workdir":
      return { value: { ...cmd, path: ex.word(cmd.path) } };
    case "stopsignal":
      return { value: { ...cmd, signal: ex.word(cmd.signal) } };
    case "volume":
      return { value: { ...cmd, volumes: cmd.volumes.map(ex.word) } };
    case "run":
      return { value: cmd, mounts: cmd.mounts.map((spec) => parseMount(spec, ex.word)) };
    default:
      return { value: cmd };
  }
}

/**
 * Expand a command's variables with the stage's environment (its ENV and the ARGs in scope).
 * Throws ShellExpansionError (e.g. `${X:?required}`) or MountError.
 */
export function expandCommand<C extends Command>(cmd: C, env: Env, escapeToken: EscapeToken = "\\"): Expansion<C> {
  const ex = new Expander(env, escapeToken);
  const { value, mounts } = expandWith(cmd, ex);
  return {
    value: value as C,
    ...(mounts === undefined ? {} : { mounts }),
    matched: ex.matched,
    unmatched: ex.unmatched,
  };
}

/** Expand FROM's image name and --platform with the meta args (ARGs before the first FROM, build args). */
export function expandFrom(
  from: FromInstruction,
  metaEnv: Env,
  escapeToken: EscapeToken = "\\",
): Expansion<FromInstruction> {
  const ex = new Expander(metaEnv, escapeToken);
  const value = { ...from, baseName: ex.word(from.baseName), platform: ex.word(from.platform) };
  return { value, matched: ex.matched, unmatched: ex.unmatched };
}
