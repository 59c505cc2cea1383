// Credential helpers as docker runs them: `docker-credential-NAME get|store|erase`, the server URL or a JSON
// document on stdin, JSON on stdout. A Username of "<token>" means the Secret is an identity token.
import { spawn } from "node:child_process";
import { HoistError } from "../errors.ts";

export interface HelperCredentials {
  ServerURL?: string;
  Username: string;
  Secret: string;
}

const TIMEOUT_MS = 60_000;

interface HelperResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runHelper(name: string, action: string, input: string, env: NodeJS.ProcessEnv): Promise<HelperResult> {
  const program = `docker-credential-${name}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, [action], { stdio: ["pipe", "pipe", "pipe"], env, timeout: TIMEOUT_MS });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (e) => {
      const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
      reject(
        new HoistError(
          "INVALID_ARGUMENT",
          missing
            ? `credential helper ${program} is not installed (exec: "${program}": executable file not found in $PATH)`
            : `running ${program}: ${e.message}`,
          { cause: e },
        ),
      );
    });
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}

function isNotFound(r: HelperResult): boolean {
  return /credentials not found/i.test(r.stdout + r.stderr);
}

/** The helper's credentials for `serverURL`, or undefined when it has none. */
export async function helperGet(
  name: string,
  serverURL: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<HelperCredentials | undefined> {
  const r = await runHelper(name, "get", serverURL, env);
  if (r.code !== 0) {
    if (isNotFound(r)) return undefined;
    throw new HoistError("IO", `docker-credential-${name} get: ${(r.stdout || r.stderr).trim()}`);
  }
  try {
    const v = JSON.parse(r.stdout) as HelperCredentials;
    if (typeof v.Username !== "string" || typeof v.Secret !== "string") throw new Error("missing Username or Secret");
    return v;
  } catch (e) {
    throw new HoistError("IO", `docker-credential-${name} get: invalid answer: ${(e as Error).message}`);
  }
}

export async function helperStore(
  name: string,
  creds: HelperCredentials,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const r = await runHelper(name, "store", JSON.stringify(creds), env);
  if (r.code !== 0) throw new HoistError("IO", `docker-credential-${name} store: ${(r.stdout || r.stderr).trim()}`);
}

/** Erase; returns false when the helper had nothing for the server. */
export async function helperErase(
  name: string,
  serverURL: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const r = await runHelper(name, "erase", serverURL, env);
  if (r.code === 0) return true;
  if (isNotFound(r)) return false;
  throw new HoistError("IO", `docker-credential-${name} erase: ${(r.stdout || r.stderr).trim()}`);
}
