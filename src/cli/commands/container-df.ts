// What `system df` reports about containers: counts, writable-layer sizes, and which images they use.
import { isActive, refresh } from "../../runtime/lifecycle.ts";
import type { Context } from "../command.ts";
import { printRows } from "../format.ts";
import { ago, humanSize } from "../units.ts";
import { openEngine } from "./container-flags.ts";

export interface ContainerUsage {
  total: number;
  active: number;
  size: number;
  reclaimable: number;
  /** Image ID → containers using it. */
  images: Map<string, number>;
  rows: Record<string, string>[];
}

export async function containerUsage(ctx: Context): Promise<ContainerUsage> {
  const engine = openEngine(ctx);
  const cs = await refresh(engine);
  const u: ContainerUsage = { total: 0, active: 0, size: 0, reclaimable: 0, images: new Map(), rows: [] };
  for (const c of Object.values(cs.containers)) {
    u.total++;
    const running = isActive(c);
    if (running) u.active++;
    u.images.set(c.Image, (u.images.get(c.Image) ?? 0) + 1);
    let rw: number;
    try {
      rw = (await engine.driver(c.Driver)).sizeRw(c.Id, engine.lowers(c));
    } catch {
      rw = 0;
    }
    u.size += rw;
    if (!running) u.reclaimable += rw;
    const { statusText } = await import("./ps.ts");
    const cmd = [c.Path, ...c.Args].join(" ");
    u.rows.push({
      ID: c.Id.slice(0, 12),
      Image: c.Config.Image,
      Command: JSON.stringify(cmd.length > 20 ? `${cmd.slice(0, 19)}…` : cmd),
      LocalVolumes: String(c.Mounts.filter((m) => m.Type === "volume").length),
      Size: humanSize(rw),
      CreatedSince: ago(c.Created),
      Status: statusText(c),
      Names: c.Name,
    });
  }
  return u;
}

export function printContainerUsage(ctx: Context, u: ContainerUsage): void {
  printRows(
    ctx,
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.CreatedSince}}\t{{.Status}}\t{{.Names}}",
    u.rows,
    {
      ID: "CONTAINER ID",
      Image: "IMAGE",
      Command: "COMMAND",
      LocalVolumes: "LOCAL VOLUMES",
      Size: "SIZE",
      CreatedSince: "CREATED",
      Status: "STATUS",
      Names: "NAMES",
    },
  );
}

/** Counts and the default runtime for `info`. */
export async function containerInfo(ctx: Context): Promise<{
  total: number;
  running: number;
  paused: number;
  defaultRuntime: string;
  broken: { name: string; error: string }[];
  /** The storage driver containers get here: overlay, or vfs where overlay cannot mount. */
  driver: string;
}> {
  const engine = openEngine(ctx);
  const all = Object.values((await refresh(engine)).containers);
  const { availableRuntimes, chooseRuntime, probeRuntime } = await import("../../runtime/runtimes.ts");
  let defaultRuntime = "";
  const broken: { name: string; error: string }[] = [];
  for (const [name, path] of availableRuntimes(engine.root)) {
    const p = await probeRuntime(engine.root, name, path).catch((e: Error) => ({ ok: false, error: e.message }));
    if (!p.ok) broken.push({ name, error: p.error });
  }
  try {
    defaultRuntime = (await chooseRuntime(engine.root)).runtime.name;
  } catch (e) {
    broken.push({ name: "default", error: (e as Error).message });
  }
  const { chooseDriver } = await import("../../runtime/create.ts");
  const driver = await chooseDriver(engine).catch(() => "vfs");
  return {
    driver,
    total: all.length,
    running: all.filter((c) => c.State.Status === "running").length,
    paused: all.filter((c) => c.State.Status === "paused").length,
    defaultRuntime,
    broken,
  };
}
