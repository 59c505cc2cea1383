// `-e` and `--env-file` as docker reads them, and the environment a container's process gets.
import { readFileSync } from "node:fs";
import { HoistError, errnoCode } from "../errors.ts";

export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** `KEY=VALUE` stays; a bare `KEY` takes the caller's value, or is dropped when the caller has none. */
export function envEntry(raw: string, env: NodeJS.ProcessEnv): string | undefined {
  const eq = raw.indexOf("=");
  if (eq === 0) throw new HoistError("INVALID_ARGUMENT", `invalid environment variable: ${raw}`, { exitCode: 125 });
  if (eq > 0) return raw;
  const v = env[raw];
  return v === undefined ? undefined : `${raw}=${v}`;
}

/** One --env-file: KEY=VALUE lines, # comments and blank lines skipped, bare KEYs from the caller's env. */
export function readEnvFile(path: string, env: NodeJS.ProcessEnv): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (errnoCode(e) === "ENOENT")
      throw new HoistError("NOT_FOUND", `open ${path}: no such file or directory`, { exitCode: 125 });
    throw e;
  }
  const out: string[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/^\s+/, "");
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    const key = eq < 0 ? line : line.slice(0, eq);
    if (/\s/.test(key))
      throw new HoistError("INVALID_ARGUMENT", `poorly formatted environment: variable '${key}' contains whitespaces`, {
        exitCode: 125,
      });
    const e = envEntry(eq < 0 ? line.trimEnd() : line, env);
    if (e !== undefined) out.push(e);
  }
  return out;
}

/** `base` with `over` applied: a later KEY replaces an earlier one in place. */
export function mergeEnv(base: string[], over: string[]): string[] {
  const out = [...base];
  for (const e of over) {
    const key = e.split("=", 1)[0];
    const i = out.findIndex((x) => x.split("=", 1)[0] === key);
    if (i >= 0) out[i] = e;
    else out.push(e);
  }
  return out;
}

export function hasEnv(env: string[], key: string): boolean {
  return env.some((e) => e.split("=", 1)[0] === key);
}
