// The state of a stage while it is built: its image config and layers so far, the history it adds, the
// variables its instructions see, and the key of its filesystem (what the cache keys of its steps chain from).
import type { ContainerConfig, HistoryEntry, ImageConfig } from "../oci/index.ts";
import type { LayerRef } from "../transports/types.ts";
import type { Stage } from "./dockerfile/index.ts";

export interface BuildArg {
  key: string;
  value?: string;
}

export interface StageState {
  readonly stage: Stage;
  /** "[name 2/5]" prefix part: the stage's name, "stage-N", or "" in a one-stage build. */
  readonly label: string;
  /** The config as it will be exported; `created` is recomputed at export. */
  image: ImageConfig;
  layers: LayerRef[];
  /** History entries that came with the base image (kept as they are, also under SOURCE_DATE_EPOCH). */
  baseHistory: number;
  /** Identity of the filesystem so far: the base, then every step that changed it. */
  fsKey: string;
  /** What RUN sees and instructions expand with: the image's ENV and the ARG values in scope, in order. */
  env: Map<string, string>;
  /** ARGs declared in the stage (and its base stage), for RUN's history line. */
  buildArgs: BuildArg[];
  /** CMD was set in this stage (ENTRYPOINT then keeps it). */
  cmdSet: boolean;
  /** Steps shown as [N/M]. */
  step: number;
  total: number;
}

export function containerConfig(s: StageState): ContainerConfig {
  s.image.config ??= {};
  return s.image.config;
}

export function addHistory(s: StageState, createdBy: string, emptyLayer: boolean, created?: string): void {
  const h: HistoryEntry = {
    ...(created === undefined ? {} : { created }),
    created_by: createdBy,
    comment: "buildkit.dockerfile.v0",
    ...(emptyLayer ? { empty_layer: true } : {}),
  };
  s.image.history = [...(s.image.history ?? []), h];
}

/** `KEY=value` list with KEY replaced in place or appended (BuildKit's addEnv). */
export function setEnv(env: readonly string[] | undefined, key: string, value: string): string[] {
  const out = [...(env ?? [])];
  const i = out.findIndex((e) => (e.includes("=") ? e.slice(0, e.indexOf("=")) : e) === key);
  if (i >= 0) out[i] = `${key}=${value}`;
  else out.push(`${key}=${value}`);
  return out;
}

export function envList(env: ReadonlyMap<string, string>): string[] {
  return [...env].map(([k, v]) => `${k}=${v}`);
}

export function envMap(list: readonly string[] | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of list ?? []) {
    const i = e.indexOf("=");
    if (i < 0) m.set(e, "");
    else m.set(e.slice(0, i), e.slice(i + 1));
  }
  return m;
}

export function cloneState(s: StageState, stage: Stage, label: string, total: number): StageState {
  return {
    stage,
    label,
    image: structuredClone(s.image),
    layers: [...s.layers],
    baseHistory: s.baseHistory,
    fsKey: s.fsKey,
    env: new Map(s.env),
    buildArgs: [...s.buildArgs],
    cmdSet: false,
    step: 0,
    total,
  };
}
