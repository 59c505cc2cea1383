// RUN: the command (shell or exec form, heredocs as BuildKit runs them) executed in a container on the stage's
// layers; its changes (deletions as whiteouts) become the step's layer.
import { HoistError } from "../../errors.ts";
import { layerEntries, type TarWriteEntry, type Timestamp } from "../../streams/index.ts";
import { PROXY_ARGS } from "../args.ts";
import { withShell } from "../config-steps.ts";
import { chompHeredocContent, parseHeredocWord, type Mount, type RunInstruction } from "../dockerfile/index.ts";
import { RunFailedError } from "../errors.ts";
import { stepKey } from "../keys.ts";
import { writeLayer } from "../layers.ts";
import type { Session } from "../session.ts";
import { containerConfig, envList, type BuildArg, type StageState } from "../stage-state.ts";
import { prepareMounts } from "./run-mounts.ts";
import fs from "node:fs";
import { join } from "node:path";

interface RunCommand {
  args: string[];
  /** A heredoc with a shebang runs as a file mounted at /dev/pipes. */
  script?: { name: string; data: string };
}

/** The process a RUN starts (BuildKit's dispatchRun). */
export function runCommand(s: StageState, cmd: RunInstruction): RunCommand {
  let args = [...cmd.cmdLine];
  let script: RunCommand["script"];
  if (cmd.files.length > 0) {
    if (args.length !== 1 || !cmd.prependShell)
      throw new HoistError("INVALID_ARGUMENT", `parsing produced an invalid run command: ${args.join(" ")}`);
    let heredoc;
    try {
      heredoc = parseHeredocWord(args[0] as string);
    } catch {
      heredoc = undefined;
    }
    const first = cmd.files[0] as RunInstruction["files"][number];
    if (heredoc !== undefined) {
      const data = first.chomp ? chompHeredocContent(first.data) : first.data;
      if (data.startsWith("#!")) {
        script = { name: first.name, data };
        args = [`/dev/pipes/${first.name}`];
      } else args = [data];
    } else {
      args = [cmd.files.reduce((acc, f) => `${acc}\n${f.data}${f.name}`, args[0] as string)];
    }
  }
  if (cmd.prependShell) args = withShell(s, args);
  return script ? { args, script } : { args };
}

/** `|2 A=1 B=2 /bin/sh -c make`: the args in scope, then the command (BuildKit's runCommandString). */
export function runHistory(
  args: readonly string[],
  buildArgs: readonly BuildArg[],
  env: ReadonlyMap<string, string>,
): string {
  const seen = new Map<string, string>();
  for (const a of buildArgs) seen.set(a.key, env.get(a.key) ?? a.value ?? "");
  const prefix = seen.size > 0 ? [`|${seen.size}`, ...[...seen].map(([k, v]) => `${k}=${v}`)] : [];
  return [...prefix, ...args].join(" ");
}

function clampMtime(entries: AsyncIterable<TarWriteEntry>, epoch: Timestamp | undefined): AsyncIterable<TarWriteEntry> {
  if (epoch === undefined) return entries;
  return (async function* () {
    for await (const e of entries) {
      const m = e.header.mtime;
      const sec = typeof m === "number" ? m : (m?.sec ?? 0);
      yield sec > epoch.sec || (sec === epoch.sec && typeof m !== "number" && (m?.nsec ?? 0) > epoch.nsec)
        ? { ...e, header: { ...e.header, mtime: epoch } }
        : e;
    }
  })();
}

export async function runStep(
  s: Session,
  st: StageState,
  cmd: RunInstruction,
  mounts: readonly Mount[],
  id: number,
): Promise<void> {
  if (cmd.security === "insecure") throw new HoistError("UNSUPPORTED", "RUN --security=insecure is not allowed");
  const cfg = containerConfig(st);
  const { args, script } = runCommand(st, cmd);
  const env = envList(st.env);
  const proxies = PROXY_ARGS.flatMap((k) => {
    const v = s.o.buildArgs.get(k);
    return v !== undefined && !st.env.has(k) ? [`${k}=${v}`] : [];
  });
  const cwd = cfg.WorkingDir || "/";
  const user = cfg.User ?? "";
  // `default` is the build's network (docker's meaning); the choice is not part of the cache key (nor is it docker's).
  const network = cmd.network === "" || cmd.network === "default" ? s.o.network : (cmd.network as "none" | "host");
  const prepared = await prepareMounts(s, st, mounts, cwd);
  const key = stepKey(st.fsKey, {
    op: "run",
    args,
    env,
    user,
    cwd,
    mounts: prepared.keys,
    script: script ?? null,
    epoch: s.o.epoch?.sec ?? null,
  });
  const createdBy = `RUN ${runHistory(args, st.buildArgs, st.env)} # buildkit`;
  await s.layerStep(st, { id, key, createdBy }, async () => {
    const lowers = await s.lowers(st.layers);
    const dir = s.scratch("run");
    const upper = join(dir, "upper");
    const work = join(dir, "work");
    fs.mkdirSync(upper, { mode: 0o755 });
    fs.mkdirSync(work);
    const opened = await prepared.open();
    const extra = [...opened.mounts];
    if (script) {
      const pipes = join(dir, "pipes");
      fs.mkdirSync(pipes);
      fs.writeFileSync(join(pipes, script.name), script.data, { mode: 0o755 });
      extra.push({ type: "bind", source: pipes, target: "/dev/pipes", readOnly: true });
    }
    let result;
    try {
      result = await s.o.runner.run({
        lowers,
        upper,
        work,
        scratch: join(dir, "bundle"),
        args,
        env: [...env, ...proxies, ...opened.env],
        cwd,
        user,
        network,
        mounts: extra,
        hostname: "",
        onOutput: (stream, data) => s.o.emit({ type: "step-output", id, stream, data }),
        ...(s.o.signal ? { signal: s.o.signal } : {}),
      });
    } finally {
      opened.release();
    }
    if (result.exitCode !== 0) throw new RunFailedError(args, result.exitCode);
    return writeLayer(
      s.o.store,
      s.o.cache,
      clampMtime(layerEntries(upper, { mode: "overlay" }), s.o.epoch),
      s.o.signal,
    );
  });
}
