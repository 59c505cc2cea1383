// What a RUN step needs from a container runtime: run one process on an image's layers with a fresh upper
// directory, and leave the process's changes there (overlayfs form) for the builder to turn into a layer.
import type { StepNetwork } from "./network.ts";

export type RunMount =
  | { type: "bind"; source: string; target: string; readOnly: boolean }
  | { type: "tmpfs"; target: string; size?: number };

export interface RunRequest {
  /** Extracted layer directories, bottom first. */
  lowers: readonly string[];
  /** An empty directory that receives the changes; `work` an empty sibling for overlayfs. */
  upper: string;
  work: string;
  /** Scratch space for the bundle and mount point (removed by the caller). */
  scratch: string;
  args: readonly string[];
  /** NAME=value, in order. */
  env: readonly string[];
  cwd: string;
  /** USER as written (name or id, optional :group), resolved inside the image. */
  user: string;
  /** The host's network, none (only loopback), or a bridge network attached for the step alone. */
  network: StepNetwork;
  mounts: readonly RunMount[];
  hostname: string;
  onOutput: (stream: "stdout" | "stderr", chunk: Buffer) => void;
  signal?: AbortSignal;
}

export interface RunResult {
  exitCode: number;
  /** Set when a signal ended the process. */
  signal?: string;
}

export interface StepRunner {
  run(request: RunRequest): Promise<RunResult>;
}
