// docker's `image inspect` JSON shape for a stored image.
import type { ContainerConfig, ImageConfig } from "../oci/index.ts";
import { familiarString, parseNormalizedNamed } from "../ref/index.ts";
import type { ImageRecord, Store } from "../store/index.ts";

function familiar(full: string): string {
  return familiarString(parseNormalizedNamed(full));
}

/** Docker's container Config object for an image (every field present, nulls as docker prints them). */
export function dockerConfig(c: ContainerConfig | undefined): Record<string, unknown> {
  const cfg = c ?? {};
  const out: Record<string, unknown> = {
    Hostname: "",
    Domainname: "",
    User: cfg.User ?? "",
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
  };
  if (cfg.ExposedPorts && Object.keys(cfg.ExposedPorts).length) out.ExposedPorts = cfg.ExposedPorts;
  Object.assign(out, {
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: cfg.Env ?? null,
    Cmd: cfg.Cmd ?? null,
  });
  if (cfg.Healthcheck) out.Healthcheck = cfg.Healthcheck;
  if (cfg.ArgsEscaped) out.ArgsEscaped = true;
  Object.assign(out, {
    Image: "",
    Volumes: cfg.Volumes ?? null,
    WorkingDir: cfg.WorkingDir ?? "",
    Entrypoint: cfg.Entrypoint ?? null,
    OnBuild: cfg.OnBuild ?? null,
    Labels: cfg.Labels ?? null,
  });
  if (cfg.StopSignal) out.StopSignal = cfg.StopSignal;
  if (cfg.Shell) out.Shell = cfg.Shell;
  return out;
}

export function inspectImage(store: Store, img: ImageRecord): Record<string, unknown> {
  const config = JSON.parse(store.readBlob(img.id).toString("utf8")) as ImageConfig & {
    comment?: string;
    docker_version?: string;
  };
  const dirs = img.layers.map((d) => store.layerDiffDir(d)).reverse();
  const [upper, ...lower] = dirs;
  const graphData: Record<string, string> = {};
  if (lower.length) graphData.LowerDir = lower.join(":");
  if (upper) {
    graphData.MergedDir = upper.replace(/diff$/, "merged");
    graphData.UpperDir = upper;
    graphData.WorkDir = upper.replace(/diff$/, "work");
  }
  return {
    Id: img.id,
    RepoTags: img.names.map(familiar),
    RepoDigests: img.digests.map(familiar),
    Parent: img.parent ?? "",
    Comment: config.comment ?? config.history?.at(-1)?.comment ?? "",
    Created: config.created ?? "0001-01-01T00:00:00Z",
    DockerVersion: config.docker_version ?? "",
    Author: config.author ?? "",
    Config: dockerConfig(config.config),
    Architecture: config.architecture,
    ...(config.variant ? { Variant: config.variant } : {}),
    Os: config.os,
    ...(config["os.version"] ? { OsVersion: config["os.version"] } : {}),
    Size: img.size,
    GraphDriver: { Data: graphData, Name: "overlay" },
    RootFS: { Type: "layers", Layers: config.rootfs.diff_ids },
    Metadata: { LastTagTime: "0001-01-01T00:00:00Z" },
  };
}
