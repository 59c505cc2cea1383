// hoist logs / container logs [-f] [--tail N] [-t] [--since T] [--until T] CONTAINER
import { HoistError } from "../../errors.ts";
import { isActive, findActive } from "../../runtime/lifecycle.ts";
import { logPath, readLogs } from "../../runtime/logs.ts";
import type { CommandModule } from "../command.ts";
import { parseUntil } from "../filters.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "logs",
  aliases: ["container logs"],
  usage: "logs [OPTIONS] CONTAINER",
  description: "Fetch the logs of a container",
  flags: [
    { name: "details", type: "bool", description: "Show extra details provided to logs" },
    { name: "follow", short: "f", type: "bool", description: "Follow log output" },
    {
      name: "since",
      type: "string",
      description: 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)',
    },
    {
      name: "tail",
      short: "n",
      type: "string",
      default: "all",
      description: 'Number of lines to show from the end of the logs (default "all")',
    },
    { name: "timestamps", short: "t", type: "bool", description: "Show timestamps" },
    {
      name: "until",
      type: "string",
      description: 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)',
    },
  ],
  args: { exact: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const tailFlag = flags.string("tail") ?? "all";
  let tail: number | undefined;
  if (tailFlag !== "all") {
    if (!/^-?\d+$/.test(tailFlag)) throw new HoistError("INVALID_ARGUMENT", `invalid value for "tail": "${tailFlag}"`);
    tail = Number(tailFlag) < 0 ? undefined : Number(tailFlag);
  }
  const since = flags.string("since");
  const until = flags.string("until");
  const engine = openEngine(ctx);
  const c = await findActive(engine, args[0] as string);
  const ts = flags.bool("timestamps");
  const follow = flags.bool("follow");
  process.stdout.removeAllListeners("error");
  process.stdout.on("error", () => process.exit(0));
  const running = (): boolean => {
    const now = engine.containers.read().containers[c.Id];
    return now !== undefined && isActive(now);
  };
  await readLogs(
    logPath(engine.dir(c.Id), c.Id),
    {
      ...(tail !== undefined ? { tail } : {}),
      ...(since ? { since: parseUntil(since) } : {}),
      ...(until ? { until: parseUntil(until) } : {}),
      follow,
      running,
      signal: ctx.signal,
    },
    (e) => {
      const line = ts ? `${e.time} ${e.log}` : e.log;
      if (e.stream === "stderr") process.stderr.write(line);
      else process.stdout.write(line);
    },
  );
};
