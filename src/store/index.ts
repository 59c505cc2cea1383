export { Store } from "./store.ts";
export { Staging, cleanupStaging } from "./staging.ts";
export type { StagedBlob } from "./staging.ts";
export type { ImageRecord, LayerRecord, LayerBlob, StoreState } from "./state.ts";
export {
  findImage,
  getImage,
  normalizeTagged,
  setName,
  removeName,
  childrenOf,
  repositoryOf,
  tagOf,
} from "./images.ts";
export { collectGarbage, referenced } from "./gc.ts";
export type { GcResult } from "./gc.ts";
export { storePaths } from "./paths.ts";
export { pruneImages, pruneFilter } from "./prune.ts";
export type { PruneOptions, PruneResult } from "./prune.ts";
export { checkStore } from "./check.ts";
export type { CheckResult, Problem } from "./check.ts";
export {
  ContainerStore,
  containerPaths,
  readContainers,
  imagesInUse,
  findContainer,
  getContainer,
} from "./containers.ts";
export type {
  ContainerRecord,
  ContainerState,
  ContainerStatus,
  ContainerConfigRecord,
  HostConfigRecord,
  ContainersState,
  ContainerPaths,
  MountPoint,
  PortBinding,
} from "./containers.ts";
export type { Change, ContainerLayerDriver, DriverName, View } from "./driver.ts";
export { treeSize } from "./driver.ts";
