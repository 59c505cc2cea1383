// Transport prefixes as skopeo/podman spell them: `docker://`, `oci:`, `docker-archive:`, …

export const TRANSPORTS = ["docker", "docker-archive", "oci", "oci-archive", "containers-storage"] as const;
export type TransportName = (typeof TRANSPORTS)[number];

export interface TransportSplit {
  /** The transport named by the prefix, or undefined when `s` has no known prefix. */
  readonly transport: TransportName | undefined;
  /** What follows the prefix (`//` removed for `docker://`), or all of `s` when there is none. */
  readonly rest: string;
}

/**
 * Split a known transport prefix off `s`. `docker` counts only as `docker://…`, so that
 * `docker:24` stays the image `docker` with tag `24`, as docker itself reads it. Other
 * prefixes win over the tag reading: `oci:dir` is the OCI layout `dir`, as in podman.
 */
export function splitTransport(s: string): TransportSplit {
  if (s.startsWith("docker://")) return { transport: "docker", rest: s.slice("docker://".length) };
  const colon = s.indexOf(":");
  const prefix = colon < 0 ? "" : s.slice(0, colon);
  if (prefix !== "docker" && isTransportName(prefix)) return { transport: prefix, rest: s.slice(colon + 1) };
  return { transport: undefined, rest: s };
}

export function isTransportName(s: string): s is TransportName {
  return (TRANSPORTS as readonly string[]).includes(s);
}
