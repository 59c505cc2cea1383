// hoist ps / container ls: CONTAINER ID  IMAGE  COMMAND  CREATED  STATUS  PORTS  NAMES, as docker prints them.
import { HoistError } from "../../errors.ts";
import { familiarString, parseNormalizedNamed } from "../../ref/index.ts";
import { isActive, refresh } from "../../runtime/lifecycle.ts";
import { readNetworkState } from "../../network/index.ts";
import { findImage, type ContainerRecord, type StoreState } from "../../store/index.ts";
import type { CommandModule } from "../command.ts";
import { parseUntil, goTime } from "../filters.ts";
import { printRows } from "../format.ts";
import { ago, humanDuration, humanSize } from "../units.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "ps",
  aliases: ["container ls", "container list", "container ps"],
  usage: "ps [OPTIONS]",
  description: "List containers",
  flags: [
    { name: "all", short: "a", type: "bool", description: "Show all containers (default shows just running)" },
    {
      name: "filter",
      short: "f",
      type: "strings",
      valueName: "filter",
      description: "Filter output based on conditions provided",
    },
    { name: "format", type: "string", description: "Format output using a custom template" },
    {
      name: "last",
      short: "n",
      type: "int",
      default: -1,
      description: "Show n last created containers (includes all states)",
    },
    {
      name: "latest",
      short: "l",
      type: "bool",
      description: "Show the latest created container (includes all states)",
    },
    { name: "no-trunc", type: "bool", description: "Don't truncate output" },
    { name: "quiet", short: "q", type: "bool", description: "Only display container IDs" },
    { name: "size", short: "s", type: "bool", description: "Display total file sizes" },
  ],
  args: { max: 0 },
};

/** docker's State column: "Up 5 seconds", "Exited (0) 5 seconds ago", "Created", "Up 2 minutes (Paused)". */
export function statusText(c: ContainerRecord, now = Date.now()): string {
  const s = c.State;
  if (s.Status === "running" || s.Status === "paused") {
    const up = `Up ${humanDuration(now - Date.parse(s.StartedAt))}`;
    return s.Status === "paused" ? `${up} (Paused)` : up;
  }
  if (s.Status === "created") return "Created";
  if (s.Status === "removing") return "Removal In Progress";
  if (s.Status === "dead") return "Dead";
  return `Exited (${s.ExitCode}) ${ago(s.FinishedAt, now)}`;
}

export function stateName(c: ContainerRecord): string {
  return c.State.Status;
}

/** docker's COMMAND column: the command quoted, cut to 20 characters unless --no-trunc. */
function commandText(c: ContainerRecord, noTrunc: boolean): string {
  const cmd = [c.Path, ...c.Args].join(" ");
  if (noTrunc) return JSON.stringify(cmd);
  const chars = [...cmd];
  return JSON.stringify(chars.length > 20 ? `${chars.slice(0, 19).join("")}…` : cmd);
}

function imageText(c: ContainerRecord): string {
  try {
    return familiarString(parseNormalizedNamed(c.Config.Image));
  } catch {
    return c.Config.Image;
  }
}

/** Published ports as docker shows them: the ones in effect while the container runs (with the host ports
 * chosen for `-p CTRPORT`), nothing once it stopped. */
function portsText(c: ContainerRecord): string {
  const out: string[] = [];
  const published = isActive(c) ? (readNetworkState(c.Id)?.ports ?? {}) : {};
  for (const [port, bindings] of Object.entries(published))
    for (const b of bindings) out.push(`${b.HostIp || "0.0.0.0"}:${b.HostPort}->${port}`);
  return out.join(", ");
}

type Filter = (c: ContainerRecord) => boolean;

function filters(raw: string[], all: ContainerRecord[], images: StoreState): Filter[] {
  const out: Filter[] = [];
  const byRef = (v: string): ContainerRecord => {
    const c = all.find((x) => x.Id === v || x.Name === v.replace(/^\//, "")) ?? all.find((x) => x.Id.startsWith(v));
    if (!c) throw new HoistError("NOT_FOUND", `No such container: ${v}`);
    return c;
  };
  const groups = new Map<string, string[]>();
  for (const f of raw) {
    const eq = f.indexOf("=");
    if (eq <= 0) throw new HoistError("INVALID_ARGUMENT", `bad format of filter (expected name=value)`);
    const key = f.slice(0, eq).toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), f.slice(eq + 1)]);
  }
  for (const [key, values] of groups) {
    const any =
      (test: (c: ContainerRecord, v: string) => boolean): Filter =>
      (c) =>
        values.some((v) => test(c, v));
    switch (key) {
      case "id":
        out.push(any((c, v) => c.Id.startsWith(v)));
        break;
      case "name":
        out.push(any((c, v) => new RegExp(v.replace(/^\//, "")).test(c.Name)));
        break;
      case "label":
        out.push((c) =>
          values.every((v) => {
            const eq = v.indexOf("=");
            return eq < 0 ? v in c.Config.Labels : c.Config.Labels[v.slice(0, eq)] === v.slice(eq + 1);
          }),
        );
        break;
      case "exited":
        out.push(any((c, v) => c.State.Status === "exited" && c.State.ExitCode === Number(v)));
        break;
      case "status":
        for (const v of values)
          if (!["created", "restarting", "running", "removing", "paused", "exited", "dead"].includes(v))
            throw new HoistError("INVALID_ARGUMENT", `invalid filter 'status=${v}'`);
        out.push(any((c, v) => c.State.Status === v));
        break;
      case "ancestor":
        out.push(
          any((c, v) => {
            try {
              const img = findImage(images, v);
              return img !== undefined && c.Image === img.id;
            } catch {
              return false;
            }
          }),
        );
        break;
      case "before":
        out.push(any((c, v) => c.Created < byRef(v).Created));
        break;
      case "since":
        out.push(any((c, v) => c.Created > byRef(v).Created));
        break;
      case "until":
        out.push(any((c, v) => Date.parse(c.Created) < parseUntil(v)));
        break;
      case "volume":
        out.push(any((c, v) => c.Mounts.some((m) => m.Source === v || m.Destination === v)));
        break;
      case "network":
        out.push(any((c, v) => c.HostConfig.NetworkMode === v));
        break;
      default:
        throw new HoistError("INVALID_ARGUMENT", `invalid filter '${key}'`);
    }
  }
  return out;
}

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  const engine = openEngine(ctx);
  const cs = await refresh(engine);
  let list = Object.values(cs.containers).sort((a, b) => (a.Created < b.Created ? 1 : a.Created > b.Created ? -1 : 0));
  const rawFilters = flags.strings("filter");
  const fs = filters(rawFilters, list, engine.store.state());
  const last = flags.bool("latest") ? 1 : (flags.int("last") ?? -1);
  const all = flags.bool("all") || last > 0 || rawFilters.some((f) => /^(status|exited)=/.test(f));
  if (!all) list = list.filter(isActive);
  list = list.filter((c) => fs.every((f) => f(c)));
  if (last > 0) list = list.slice(0, last);
  const noTrunc = flags.bool("no-trunc");
  if (flags.bool("quiet")) {
    ctx.io.out(list.map((c) => `${noTrunc ? c.Id : c.Id.slice(0, 12)}\n`).join(""));
    return;
  }
  const format = flags.string("format");
  const wantSize = flags.bool("size") || (format?.includes(".Size") ?? false);
  const now = Date.now();
  const rows = [];
  for (const c of list) {
    let size = "";
    if (wantSize) {
      const driver = await engine.driver(c.Driver);
      let rw: number;
      try {
        rw = driver.sizeRw(c.Id, engine.lowers(c));
      } catch {
        rw = 0;
      }
      const virt = rw + (engine.store.state().images[c.Image.slice(7)]?.size ?? 0);
      size = `${humanSize(rw)} (virtual ${humanSize(virt)})`;
    }
    rows.push({
      ID: noTrunc ? c.Id : c.Id.slice(0, 12),
      Image: imageText(c),
      Command: commandText(c, noTrunc),
      CreatedAt: goTime(c.Created),
      RunningFor: ago(c.Created, now),
      Ports: portsText(c),
      State: stateName(c),
      Status: statusText(c, now),
      Size: size,
      Names: c.Name,
      Labels: Object.entries(c.Config.Labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(","),
      Mounts: c.Mounts.map((m) => (m.Type === "volume" ? m.Source.slice(0, 64) : m.Source)).join(","),
      Networks: c.HostConfig.NetworkMode === "default" ? "bridge" : c.HostConfig.NetworkMode,
      LocalVolumes: String(c.Mounts.filter((m) => m.Type === "volume").length),
    });
  }
  const def = `table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}${flags.bool("size") ? "\t{{.Size}}" : ""}`;
  printRows(ctx, format || def, rows, {
    ID: "CONTAINER ID",
    Image: "IMAGE",
    Command: "COMMAND",
    CreatedAt: "CREATED AT",
    RunningFor: "CREATED",
    Ports: "PORTS",
    State: "STATE",
    Status: "STATUS",
    Size: "SIZE",
    Names: "NAMES",
    Labels: "LABELS",
    Mounts: "MOUNTS",
    Networks: "NETWORKS",
    LocalVolumes: "LOCAL VOLUMES",
  });
};
