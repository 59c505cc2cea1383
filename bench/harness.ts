// The benchmark harness: run hoist and a peer on the same work, several times each, and print medians and ratios.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
export const hoistBin = join(repo, "bin/hoist");

export interface Side {
  /** Command and arguments; run with no shell. */
  cmd: () => string[];
  /** Untimed work before each run (e.g. remove what the last run made). */
  before?: () => void;
}

export interface BenchCase {
  name: string;
  peer: string;
  /** Target: hoist/peer ratio at most this. */
  target: number;
  setup?: () => void;
  hoist: Side;
  other: Side;
  teardown?: () => void;
}

export interface Result {
  name: string;
  peer: string;
  hoistMs: number;
  peerMs: number;
  ratio: number;
  target: number;
}

export function sh(cmd: string, args: string[], options: { input?: string; quiet?: boolean } = {}): string {
  return execFileSync(cmd, args, {
    encoding: "utf8",
    input: options.input,
    stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", options.quiet ? "ignore" : "inherit"],
    maxBuffer: 1 << 28,
  });
}

function timeOnce(side: Side): number {
  side.before?.();
  const [cmd, ...args] = side.cmd();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd as string, args, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0)
    throw new Error(`${[cmd, ...args].join(" ")} failed (${r.status}): ${r.stderr?.toString().slice(0, 2000)}`);
  return ms;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Run a case: runs alternate between hoist and the peer so machine noise hits both alike. */
export function runCase(c: BenchCase, runs: number): Result {
  c.setup?.();
  try {
    const h: number[] = [];
    const p: number[] = [];
    timeOnce(c.hoist); // warm caches for both sides alike
    timeOnce(c.other);
    for (let i = 0; i < runs; i++) {
      h.push(timeOnce(c.hoist));
      p.push(timeOnce(c.other));
    }
    const hoistMs = median(h);
    const peerMs = median(p);
    return { name: c.name, peer: c.peer, hoistMs, peerMs, ratio: hoistMs / peerMs, target: c.target };
  } finally {
    c.teardown?.();
  }
}

export function printResults(results: Result[]): void {
  const rows = [["case", "peer", "hoist ms", "peer ms", "ratio", "target", ""]];
  for (const r of results)
    rows.push([
      r.name,
      r.peer,
      r.hoistMs.toFixed(1),
      r.peerMs.toFixed(1),
      `${r.ratio.toFixed(2)}x`,
      `<= ${r.target}x`,
      r.ratio <= r.target ? "ok" : "MISSED",
    ]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  for (const r of rows)
    console.log(
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    );
}

export function scratch(name: string): string {
  return mkdtempSync(join(tmpdir(), `hoist-bench-${name}-`));
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** podman with a private store so the bench never touches the machine's own. */
export function podmanArgs(dir: string): string[] {
  return ["--root", join(dir, "podman-root"), "--runroot", join(dir, "podman-run"), "--storage-driver", "overlay"];
}

/** A setup step that imports the same busybox rootfs into hoist's store and podman's private one, once. */
export function busyboxImages(dir: string, hroot: string): () => void {
  let imported = false;
  return () => {
    if (imported) return;
    imported = true;
    const tar = sh(join(repo, "scripts/busybox-rootfs"), [], { quiet: true }).trim();
    sh(hoistBin, ["--root", hroot, "import", tar, "busybox:latest"], { quiet: true });
    sh("podman", [...podmanArgs(dir), "import", tar, "busybox:latest"], { quiet: true });
  };
}
