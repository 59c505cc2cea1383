// The registry server: an OCI Distribution Spec v1.1 registry over a storage driver.
export { RegistryServer } from "./server.ts";
export type { ServerOptions } from "./server.ts";
export {
  applyConfig,
  defaultConfig,
  openRegistry,
  parseAddr,
  parseDuration,
  parseSize,
  parseWorkers,
  readConfigFile,
} from "./config.ts";
export type { OpenedRegistry, RegistryConfig, TokenConfig } from "./config.ts";
export { defaultLimits } from "./context.ts";
export type { Limits, Registry } from "./context.ts";
export { collectGarbage } from "./gc.ts";
export type { GcEvent, GcOptions, GcReport } from "./gc.ts";
export { jsonLogger, silentLogger } from "./log.ts";
export type { Level, Logger } from "./log.ts";
export { FilesystemDriver } from "./storage/filesystem.ts";
export type { StorageDriver } from "./storage/driver.ts";
export { RegistryError } from "./errors.ts";
export { bcryptHash, bcryptVerify } from "./auth/index.ts";
export { defaultWorkers, isClusterWorker, leaveCluster, reportListening, runPrimary } from "./cluster.ts";
