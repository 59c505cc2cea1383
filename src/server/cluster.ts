// Several server processes on one port and one storage (node:cluster): the registry is stateless, so each worker is
// just another instance. The primary forks the workers, replaces any that die, and stops them all on shutdown.
import cluster from "node:cluster";
import type { Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import type { Logger } from "./log.ts";

/** The default number of workers: one per core, at most four. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** Tells the primary this worker is serving (a no-op outside a cluster). */
export function reportListening(url: string): void {
  if (cluster.isWorker) process.send?.({ hoistRegistry: "listening", url });
}

/**
 * Runs in the primary: forks `workers` copies of this program, restarts a worker that dies after it started serving,
 * and on `signal` asks every worker to finish its requests and exit. Rejects if a worker fails before serving.
 */
export async function runPrimary(workers: number, logger: Logger, signal: AbortSignal): Promise<void> {
  const live = new Set<Worker>();
  let stopping = false;
  let failed: ((e: Error) => void) | undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  failure.catch(() => {});

  const fork = (): void => {
    const w = cluster.fork();
    let serving = false;
    live.add(w);
    w.on("message", (m: { hoistRegistry?: string }) => {
      if (m?.hoistRegistry === "listening") serving = true;
    });
    w.on("exit", (code, sig) => {
      live.delete(w);
      if (stopping) return;
      if (!serving) {
        failed?.(new Error(`registry worker ${w.process.pid} exited before serving (code ${code ?? sig})`));
        return;
      }
      logger.log("warn", "worker died; starting another", { pid: w.process.pid, code, signal: sig });
      fork();
    });
  };
  for (let i = 0; i < workers; i++) fork();
  logger.log("info", "started workers", { workers });

  const stopped = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
  try {
    await Promise.race([stopped, failure]);
  } finally {
    stopping = true;
    const exits = [...live].map(
      (w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once("exit", () => resolve()))),
    );
    for (const w of live) w.process.kill("SIGTERM");
    await Promise.all(exits);
  }
}

/** A worker that has stopped serving leaves the cluster (its channel to the primary would keep it alive). */
export function leaveCluster(): void {
  if (cluster.isWorker) cluster.worker?.disconnect();
}
