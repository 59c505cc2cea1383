export { attachBridge, detachBridge, DEFAULT_BRIDGE, DEFAULT_SUBNET } from "./bridge.ts";
export { readNetworkState, type NetworkState, type PublishedPort } from "./state.ts";
