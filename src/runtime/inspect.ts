// docker's `container inspect` JSON for a container record.
import { containerStates, readNetworkState, type NetworkState } from "../network/index.ts";
import { join } from "node:path";
import type { ContainerRecord } from "../store/containers.ts";
import type { Engine } from "./engine.ts";
import { logPath } from "./logs.ts";

const ZERO_TIME = "0001-01-01T00:00:00Z";

function mounts(engine: Engine, c: ContainerRecord): object[] {
  return c.Mounts.map((m) => ({
    Type: m.Type,
    ...(m.Type === "volume" ? { Name: m.Source } : {}),
    Source: m.Type === "volume" ? engine.volumeDir(m.Source) : m.Source,
    Destination: m.Destination,
    ...(m.Type === "volume" ? { Driver: "local" } : {}),
    Mode: m.Type === "bind" ? (m.ReadOnly ? "ro" : "") : m.Type === "volume" ? "z" : "",
    RW: !m.ReadOnly,
    Propagation: m.Type === "bind" ? (m.Propagation ?? "rprivate") : "",
  }));
}

function networkAddr(net: NetworkState | undefined): object {
  return {
    Gateway: net?.gateway ?? "",
    IPAddress: net?.ipAddress ?? "",
    IPPrefixLen: net?.prefixLen ?? 0,
    MacAddress: net?.macAddress ?? "",
  };
}

/** docker ≥ 26: Aliases as given; DNSNames (user-defined networks only) the name, the aliases, the short ID. */
function endpointNames(c: ContainerRecord, network: string, aliases: string[]): object {
  const userDefined = !["bridge", "default", "host", "none"].includes(network);
  return {
    Aliases: aliases.length ? aliases : null,
    DNSNames: userDefined ? [...new Set([c.Name, ...aliases, c.Id.slice(0, 12)].filter(Boolean))] : null,
  };
}

function networkSettings(c: ContainerRecord): object {
  const mode = c.HostConfig.NetworkMode;
  const name = mode === "default" ? "bridge" : mode;
  const active = c.State.Status === "running" || c.State.Status === "paused";
  const net = active ? readNetworkState(c.Id) : undefined;
  const ports: Record<string, object[] | null> = {};
  for (const p of Object.keys(c.Config.ExposedPorts ?? {})) ports[p] = null;
  for (const [p, b] of Object.entries(net?.ports ?? {})) ports[p] = b;
  const addr = networkAddr(net);
  return {
    Bridge: "",
    SandboxID: "",
    SandboxKey: net?.netns ?? (c.State.Pid && mode !== "host" ? `/proc/${c.State.Pid}/ns/net` : ""),
    Ports: mode === "host" ? {} : ports,
    ...addr,
    Networks: Object.fromEntries(
      (net ? containerStates(c.Id) : [{ network: name } as Partial<NetworkState>]).map((s) => [
        s.network,
        {
          IPAMConfig: null,
          Links: null,
          ...endpointNames(c, s.network ?? name, s.extra ? (s.aliases ?? []) : (c.NetworkAliases ?? [])),
          NetworkID: "",
          EndpointID: "",
          ...(s.network === name ? addr : networkAddr(s as NetworkState)),
        },
      ]),
    ),
  };
}

export interface InspectOptions {
  size?: boolean;
}

export async function inspectContainer(
  engine: Engine,
  c: ContainerRecord,
  o: InspectOptions = {},
): Promise<Record<string, unknown>> {
  const dir = engine.dir(c.Id);
  const driver = await engine.driver(c.Driver);
  let lowers: string[];
  try {
    lowers = engine.lowers(c);
  } catch {
    lowers = [];
  }
  const s = c.State;
  const hc = c.HostConfig;
  const out: Record<string, unknown> = {
    Id: c.Id,
    Created: c.Created,
    Path: c.Path,
    Args: c.Args,
    State: {
      Status: s.Status,
      Running: s.Status === "running" || s.Status === "paused",
      Paused: s.Status === "paused",
      Restarting: false,
      OOMKilled: s.OOMKilled,
      Dead: s.Status === "dead",
      Pid: s.Pid,
      ExitCode: s.ExitCode,
      Error: s.Error,
      StartedAt: s.StartedAt || ZERO_TIME,
      FinishedAt: s.FinishedAt || ZERO_TIME,
    },
    Image: c.Image,
    ResolvConfPath: join(dir, "resolv.conf"),
    HostnamePath: join(dir, "hostname"),
    HostsPath: join(dir, "hosts"),
    LogPath: logPath(dir, c.Id),
    Name: `/${c.Name}`,
    RestartCount: c.RestartCount,
    Driver: c.Driver,
    Platform: "linux",
    MountLabel: "",
    ProcessLabel: "",
    AppArmorProfile: "",
    ExecIDs: null,
    HostConfig: {
      Binds: hc.Binds,
      ContainerIDFile: "",
      LogConfig: { Type: "json-file", Config: {} },
      NetworkMode: hc.NetworkMode,
      PortBindings: hc.PortBindings,
      RestartPolicy: { Name: "no", MaximumRetryCount: 0 },
      AutoRemove: hc.AutoRemove,
      VolumeDriver: "",
      VolumesFrom: null,
      CapAdd: hc.CapAdd,
      CapDrop: hc.CapDrop,
      Dns: hc.Dns ?? [],
      DnsOptions: hc.DnsOptions ?? [],
      DnsSearch: hc.DnsSearch ?? [],
      ExtraHosts: hc.ExtraHosts ?? null,
      Privileged: hc.Privileged,
      PublishAllPorts: false,
      ReadonlyRootfs: hc.ReadonlyRootfs,
      ...(hc.Tmpfs ? { Tmpfs: hc.Tmpfs } : {}),
      ...(hc.Init ? { Init: true } : {}),
      Runtime: hc.Runtime,
      Memory: hc.Memory,
      NanoCpus: hc.NanoCpus,
      PidsLimit: hc.PidsLimit ?? null,
    },
    GraphDriver: { Data: driver.graphData(c.Id, lowers), Name: c.Driver },
    Mounts: mounts(engine, c),
    Config: c.Config,
    NetworkSettings: networkSettings(c),
  };
  if (o.size) {
    const rw = driver.sizeRw(c.Id, lowers);
    out.SizeRw = rw;
    out.SizeRootFs = rw + (engine.store.state().images[c.Image.slice(7)]?.size ?? 0);
  }
  return out;
}
