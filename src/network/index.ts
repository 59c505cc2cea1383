export { attachBridge, beginAttachBridge, connectBridge, detachBridge, disconnectBridge } from "./bridge.ts";
export { hostsText } from "./hosts.ts";
export { findNetwork, type NetworkRecord } from "./networks.ts";
export { readNetworkState, type NetworkState, type PublishedPort } from "./state.ts";
