// Network modes and their hooks into the container lifecycle. Today: "host" (the host's network namespace),
// "none" (a new namespace with only loopback up) and "default" (docker's name for its default network; until
// bridge networking exists it shares the host's network namespace, with the container's own hostname).
// A bridge/CNI implementation plugs in here: prepare() makes and configures a namespace before the runtime
// creates the container (returning its path), teardown() releases it on exit and on rm.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { hostname as hostHostname } from "node:os";
import { HoistError } from "../errors.ts";
import type { ContainerRecord } from "../store/containers.ts";

export interface NetworkSetup {
  /** undefined: share the host's network namespace; { } a new one; { path } join an existing one. */
  namespace?: { path?: string };
  hosts: string;
  resolvConf: string;
  hostname: string;
}

export interface NetworkDriver {
  /** Before the runtime creates the container. */
  prepare(c: ContainerRecord): Promise<NetworkSetup>;
  /** The container's namespaces exist and its process has not started. */
  afterCreate(c: ContainerRecord, pid: number): Promise<void>;
  /** On exit and on rm; must be idempotent. */
  teardown(c: ContainerRecord): Promise<void>;
}

const localhostLines = [
  "127.0.0.1\tlocalhost",
  "::1\tlocalhost ip6-localhost ip6-loopback",
  "fe00::0\tip6-localnet",
  "ff00::0\tip6-mcastprefix",
  "ff02::1\tip6-allnodes",
  "ff02::2\tip6-allrouters",
];

function hostFile(path: string, fallback: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return fallback;
  }
}

function resolvConf(): string {
  return hostFile("/etc/resolv.conf", "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
}

const hostMode: NetworkDriver = {
  async prepare(c) {
    const name = c.Config.Hostname || hostHostname();
    return { hosts: hostFile("/etc/hosts", `${localhostLines.join("\n")}\n`), resolvConf: resolvConf(), hostname: name };
  },
  async afterCreate() {},
  async teardown() {},
};

const defaultMode: NetworkDriver = {
  async prepare(c) {
    const hosts = `${[...localhostLines, `127.0.1.1\t${c.Config.Hostname}`].join("\n")}\n`;
    return { hosts, resolvConf: resolvConf(), hostname: c.Config.Hostname };
  },
  async afterCreate() {},
  async teardown() {},
};

const noneMode: NetworkDriver = {
  async prepare(c) {
    return { namespace: {}, hosts: `${localhostLines.join("\n")}\n`, resolvConf: resolvConf(), hostname: c.Config.Hostname };
  },
  async afterCreate(_c, pid) {
    // A new network namespace starts with loopback down; docker brings it up.
    await new Promise<void>((resolve) =>
      execFile("nsenter", ["-t", String(pid), "-n", "ip", "link", "set", "lo", "up"], () => resolve()),
    );
  },
  async teardown() {},
};

/** Normalize and check `--network` before anything is created. */
export function validateNetworkMode(mode: string | undefined): string {
  const m = mode === undefined || mode === "" ? "default" : mode;
  if (m === "default" || m === "host" || m === "none") return m;
  if (m === "bridge")
    throw new HoistError("UNSUPPORTED", "bridge networking is not available yet: use --network host or --network none", {
      exitCode: 125,
    });
  if (m.startsWith("container:")) throw new HoistError("UNSUPPORTED", "--network container:NAME is not supported", { exitCode: 125 });
  throw new HoistError("NOT_FOUND", `network ${m} not found`, { exitCode: 125 });
}

export function networkDriver(mode: string): NetworkDriver {
  if (mode === "host") return hostMode;
  if (mode === "none") return noneMode;
  return defaultMode;
}

/** The hostname a new container gets: -h, the host's for --network host, else the short ID. */
export function defaultHostname(mode: string, id: string, requested: string | undefined): string {
  if (requested) return requested;
  return mode === "host" ? hostHostname() : id.slice(0, 12);
}
