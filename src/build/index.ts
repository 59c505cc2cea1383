// Dockerfile builds: plan and execute a build (cache keys, context, .dockerignore, stages). The Dockerfile
// front end itself is in dockerfile/.
export { build, checkPlatform, loadDockerfile, type BuildOptions, type BuildResult } from "./builder.ts";
export type { BuildEvent, EventSink } from "./events.ts";
export { BuildStepError, RunFailedError } from "./errors.ts";
export { loadContext, type ContextSpec, type LoadedContext } from "./context/load.ts";
export { BuildCache, cachePaths } from "./cache/cache-index.ts";
export type { StepRunner, RunRequest, RunResult, RunMount } from "./run/runner.ts";
