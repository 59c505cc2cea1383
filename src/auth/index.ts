// Registry credentials: docker's config.json and podman's auth.json, credential helpers, server keys.
export { DOCKER_HUB_KEY, convertToHostname, credentialKey, isDockerHub, registryOfKey } from "./server.ts";
export {
  decodeAuth,
  dockerConfigPath,
  encodeAuth,
  readConfigFile,
  readPaths,
  writeConfigFile,
  writePath,
} from "./config-file.ts";
export type { AuthEntry, AuthFileOptions, ConfigFile } from "./config-file.ts";
export { helperErase, helperGet, helperStore } from "./helper.ts";
export type { HelperCredentials } from "./helper.ts";
export { eraseCredentials, keyForRegistry, lookupCredentials, saveCredentials } from "./credentials.ts";
export type { SaveInput } from "./credentials.ts";
