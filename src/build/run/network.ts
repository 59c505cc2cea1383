// The network of a RUN step: the host's, none (a new namespace with only loopback), or a bridge network
// (hoist's default `bridge`, or a user-defined one) through the CNI plugins as containers get it: the step is
// attached under its own ID before the runtime starts and always detached afterwards (see RuncRunner).
import { hostname as hostHostname } from "node:os";
import { HoistError } from "../../errors.ts";
import { bridgeResolvConf, findNetwork, hostFile, hostResolvConf, requireBridgePlugins } from "../../network/index.ts";

/** What the build (`--network`) and each RUN (`--network=default|none|host`) ask for. */
export type StepNetwork = "host" | "none" | { bridge: string };

/** `hoist build --network`: default (and bridge) is the default `bridge` network; host, none; or a user network. */
export function buildNetwork(value: string | undefined): StepNetwork {
  const v = value || "default";
  if (v === "host" || v === "none") return v;
  if (v === "default" || v === "bridge") return { bridge: "bridge" };
  if (v.startsWith("container:"))
    throw new HoistError("INVALID_ARGUMENT", `network mode "${v}" not supported by the builder`);
  const n = findNetwork(v);
  if (!n) throw new HoistError("NOT_FOUND", `network ${v} not found`);
  return { bridge: n.Name };
}

/** One line naming the package when the CNI plugins a bridge network runs are missing. */
export function checkBridgePlugins(): void {
  requireBridgePlugins("a RUN step on a bridge network", { hint: " (or build with --network host)", exitCode: 1 });
}

export interface StepNetworkSetup {
  /** undefined: the host's namespace; {} a new one; { path } the attached one. */
  namespace?: { path?: string };
  hosts: string;
  resolvConf: string;
  hostname: string;
  /** Undo the attachment; idempotent, never throws. */
  release(): Promise<void>;
}

const LOCALHOST = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";

/** Set up the step's network; `attachId` names the attachment (netns, CNI container ID, lease, rules). */
export async function openStepNetwork(
  net: StepNetwork,
  attachId: string,
  requestedHostname: string,
): Promise<StepNetworkSetup> {
  const nothing = async (): Promise<void> => {};
  const resolvConf = hostResolvConf();
  if (net === "host") {
    return {
      hosts: hostFile("/etc/hosts", LOCALHOST),
      resolvConf,
      hostname: requestedHostname || hostHostname(),
      release: nothing,
    };
  }
  const hostname = requestedHostname || attachId.replace(/^build-/, "").slice(0, 12);
  if (net === "none")
    return { namespace: {}, hosts: `${LOCALHOST}127.0.1.1\t${hostname}\n`, resolvConf, hostname, release: nothing };
  checkBridgePlugins();
  const { attachBridge, detachBridge } = await import("../../network/index.ts");
  const release = (): Promise<void> => detachBridge(attachId).catch(() => {});
  const s = await attachBridge(attachId, net.bridge, {});
  return {
    namespace: { path: s.netns },
    hosts: `${LOCALHOST}${s.ipAddress ?? "127.0.1.1"}\t${hostname}\n`,
    resolvConf: bridgeResolvConf(),
    hostname,
    release,
  };
}
