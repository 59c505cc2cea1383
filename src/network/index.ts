// Container networking through the CNI plugins: the public surface of src/network.
export { allNetworks, deleteNetwork, inspectNetwork, inUse } from "./admin.ts";
export { attachBridge, beginAttachBridge, confList, connectBridge, detachBridge, disconnectBridge } from "./bridge.ts";
export { addNetworkList, delNetworkList, requireBridgePlugins, type ConfList } from "./cni.ts";
export { hostsText } from "./hosts.ts";
export {
  createNetwork,
  findNetwork,
  getNetwork,
  listNetworks,
  sweepIsolationRules,
  type NetworkRecord,
} from "./networks.ts";
export {
  bridgeResolvConf,
  checkAliases,
  extraHostLines,
  hostAddress,
  hostFile,
  hostResolvConf,
  parseExtraHost,
  resolvConfWith,
  validateDns,
  validateDnsSearch,
} from "./options.ts";
export { containerStates, readNetworkState, type NetworkState, type PublishedPort } from "./state.ts";
export { sweepOrphans } from "./sweep.ts";
