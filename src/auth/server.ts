// Registry server addresses as credential keys: docker writes Docker Hub as `https://index.docker.io/v1/`
// and every other registry as its bare host[:port].

/** Docker Hub's key in config.json, as `docker login` writes it. */
export const DOCKER_HUB_KEY = "https://index.docker.io/v1/";

const HUB_HOSTS = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);

/** `https://host:5000/v2/` → `host:5000` (docker's ConvertToHostname). */
export function convertToHostname(address: string): string {
  let s = address.trim();
  if (s.startsWith("http://")) s = s.slice(7);
  else if (s.startsWith("https://")) s = s.slice(8);
  const slash = s.indexOf("/");
  return slash < 0 ? s : s.slice(0, slash);
}

export function isDockerHub(hostOrKey: string): boolean {
  return HUB_HOSTS.has(convertToHostname(hostOrKey).toLowerCase());
}

/** The key a login to `server` is saved under (undefined or empty: Docker Hub). */
export function credentialKey(server: string | undefined): string {
  if (!server || isDockerHub(server)) return DOCKER_HUB_KEY;
  return convertToHostname(server);
}

/** The registry domain (as references name it: docker.io, localhost:5000) a key or server address is for. */
export function registryOfKey(key: string): string {
  return isDockerHub(key) ? "docker.io" : convertToHostname(key);
}
