// `top`: the host's ps, limited to the container's processes (docker's Titles/Processes).
import { execFile } from "node:child_process";
import { HoistError } from "../errors.ts";
import type { Engine } from "./engine.ts";
import { findActive } from "./lifecycle.ts";
import { runtimePids } from "./oci-runtime.ts";

export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

export async function containerTop(engine: Engine, ref: string, psArgs: string[]): Promise<TopResult> {
  const c = await findActive(engine, ref);
  if (c.State.Status !== "running" && c.State.Status !== "paused")
    throw new HoistError("CONFLICT", `Container ${c.Id} is not running`);
  const pids = new Set(await runtimePids(engine.runtime(c), c.Id));
  const args = psArgs.length ? psArgs : ["-ef"];
  const out = await new Promise<string>((resolve, reject) =>
    execFile("ps", args, { maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
      err ? reject(new HoistError("RUNTIME", `ps: ${stderr.trim() || err.message}`)) : resolve(stdout),
    ),
  );
  const lines = out.split("\n").filter((l) => l.trim() !== "");
  const titles = (lines[0] ?? "").trim().split(/\s+/);
  const pidCol = titles.indexOf("PID");
  if (pidCol < 0) throw new HoistError("INVALID_ARGUMENT", `Couldn't find PID field in ps output`);
  const processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    const row = [...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(" ")];
    if (pids.has(Number(row[pidCol]))) processes.push(row);
  }
  return { Titles: titles, Processes: processes };
}
