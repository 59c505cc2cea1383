// Helpers for end-to-end tests: run bin/hoist against a temp store root.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repo = join(dirname(fileURLToPath(import.meta.url)), "../..");
export const hoistBin = join(repo, "bin/hoist");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = "hoist-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Run hoist synchronously with --root. */
export function hoist(
  root: string,
  args: string[],
  options: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
): RunResult {
  const r = spawnSync(hoistBin, ["--root", root, ...args], {
    input: options.input ?? "",
    env: { ...process.env, ...options.env },
    maxBuffer: 1 << 28,
  });
  return { code: r.status ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** Run hoist and fail the test with its stderr unless it exits 0. */
export function ok(root: string, args: string[], options: { input?: string | Buffer } = {}): string {
  const r = hoist(root, args, options);
  if (r.code !== 0) throw new Error(`hoist ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** Run hoist asynchronously (for parallel/concurrency tests). */
export function hoistAsync(root: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(hoistBin, ["--root", root, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export function busyboxTar(): string {
  return execFileSync(join(repo, "scripts/busybox-rootfs"), { encoding: "utf8" }).trim();
}

export function have(bin: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0;
}

/** Remove every container of a test's store (its after() hook), running or not. */
export function removeAllContainers(root: string): void {
  const ids = hoist(root, ["ps", "-aq", "--no-trunc"]).stdout.trim().split("\n").filter(Boolean);
  if (ids.length) hoist(root, ["rm", "-f", ...ids]);
}
