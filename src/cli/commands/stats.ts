// hoist stats / container stats [OPTIONS] [CONTAINER...]: docker's live resource table (CPU %, memory, network
// and block I/O, pids), redrawn every second, or printed once with --no-stream.
import { setTimeout as sleep } from "node:timers/promises";
import { HoistError } from "../../errors.ts";
import { refresh } from "../../runtime/lifecycle.ts";
import { cpuPercent, sample, statsPid, type Sample } from "../../runtime/stats.ts";
import { getContainer, type ContainerRecord } from "../../store/containers.ts";
import type { CommandModule, Context } from "../command.ts";
import { printRows } from "../format.ts";
import { bytesSize, humanSize } from "../units.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "stats",
  aliases: ["container stats"],
  usage: "stats [OPTIONS] [CONTAINER...]",
  description: "Display a live stream of container(s) resource usage statistics",
  flags: [
    { name: "all", short: "a", type: "bool", description: "Show all containers (default shows just running)" },
    { name: "format", type: "string", description: "Format output using a custom template" },
    { name: "no-stream", type: "bool", description: "Disable streaming stats and only pull the first result" },
    { name: "no-trunc", type: "bool", description: "Do not truncate output" },
  ],
};

const HEADER = {
  Container: "CONTAINER",
  ID: "CONTAINER ID",
  Name: "NAME",
  CPUPerc: "CPU %",
  MemUsage: "MEM USAGE / LIMIT",
  MemPerc: "MEM %",
  NetIO: "NET I/O",
  BlockIO: "BLOCK I/O",
  PIDs: "PIDS",
};
const DEFAULT =
  "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";
const INTERVAL_MS = 1000;

interface Entry {
  /** What the user named (or the ID). */
  ref: string;
  c: ContainerRecord;
  prev?: Sample | undefined;
  cur?: Sample | undefined;
}

function row(e: Entry, noTrunc: boolean): object {
  const s = e.cur;
  const pct = (x: number): string => `${x.toFixed(2)}%`;
  const pair = (a: number, b: number, f: (n: number) => string): string => `${f(a)} / ${f(b)}`;
  const io = (n: number): string => humanSize(n, 3);
  return {
    Container: e.ref,
    ID: noTrunc ? e.c.Id : e.c.Id.slice(0, 12),
    Name: e.c.Name,
    CPUPerc: pct(s ? cpuPercent(e.prev, s) : 0),
    MemUsage: pair(s?.memory ?? 0, s?.memoryLimit ?? 0, bytesSize),
    MemPerc: pct(s && s.memoryLimit ? (s.memory / s.memoryLimit) * 100 : 0),
    NetIO: pair(s?.netRx ?? 0, s?.netTx ?? 0, io),
    BlockIO: pair(s?.blockRead ?? 0, s?.blockWrite ?? 0, io),
    PIDs: String(s?.pids ?? 0),
  };
}

function take(e: Entry): void {
  const pid = statsPid(e.c);
  e.prev = e.cur;
  e.cur = pid === undefined ? undefined : sample(pid);
}

export const run: CommandModule["run"] = async (ctx: Context, args, flags) => {
  const engine = openEngine(ctx);
  const all = flags.bool("all");
  const stream = !flags.bool("no-stream");
  const format = flags.string("format") || DEFAULT;
  const noTrunc = flags.bool("no-trunc");
  let entries = new Map<string, Entry>();
  const list = async (): Promise<void> => {
    const cs = await refresh(engine);
    const next = new Map<string, Entry>();
    const found: [string, ContainerRecord][] = args.length
      ? args.map((ref) => {
          try {
            return [ref, getContainer(cs, ref)];
          } catch {
            throw new HoistError("NOT_FOUND", `No such container: ${ref}`);
          }
        })
      : Object.values(cs.containers)
          .filter((c) => all || statsPid(c) !== undefined)
          .sort((a, b) => b.Created.localeCompare(a.Created))
          .map((c) => [c.Id, c]);
    for (const [ref, c] of found) next.set(c.Id, { ...(entries.get(c.Id) ?? {}), ref, c });
    entries = next;
  };
  await list();
  for (const e of entries.values()) take(e);
  for (;;) {
    await sleep(INTERVAL_MS, undefined, { signal: ctx.signal }).catch(() => {});
    if (ctx.signal.aborted) return 0;
    await list();
    for (const e of entries.values()) take(e);
    const rows = [...entries.values()].map((e) => row(e, noTrunc));
    if (stream && ctx.io.isTTY) ctx.io.out("\x1b[2J\x1b[H");
    printRows(ctx, format, rows, HEADER);
    if (!stream) return 0;
  }
};
