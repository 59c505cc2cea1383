// hoist cp / container cp [-a] CONTAINER:SRC DEST | SRC CONTAINER:DEST ("-" for a tar on stdin/stdout).
import { HoistError } from "../../errors.ts";
import { copyFromContainer, copyToContainer } from "../../runtime/files.ts";
import type { CommandModule } from "../command.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "cp",
  aliases: ["container cp"],
  usage: "cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\thoist cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
  description: "Copy files/folders between a container and the local filesystem",
  flags: [
    { name: "archive", short: "a", type: "bool", description: "Archive mode (copy all uid/gid information)" },
    { name: "follow-link", short: "L", type: "bool", description: "Always follow symbol link in SRC_PATH" },
    { name: "quiet", short: "q", type: "bool", description: "Suppress progress output during copy" },
  ],
  args: { exact: 2 },
};

/** "name:/path" → ["name", "/path"]; a local path (absolute, relative with a slash before any colon, or "-") → undefined. */
function splitRef(arg: string): [string, string] | undefined {
  if (arg === "-" || arg.startsWith("/") || arg.startsWith(".")) return undefined;
  const colon = arg.indexOf(":");
  if (colon <= 0) return undefined;
  const slash = arg.indexOf("/");
  if (slash >= 0 && slash < colon) return undefined;
  return [arg.slice(0, colon), arg.slice(colon + 1) || "/"];
}

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const [src = "", dst = ""] = args;
  const from = splitRef(src);
  const to = splitRef(dst);
  if (from && to) throw new HoistError("INVALID_ARGUMENT", "copying between containers is not supported");
  if (!from && !to) throw new HoistError("INVALID_ARGUMENT", "must specify at least one container source");
  const engine = openEngine(ctx);
  if (from) {
    if (dst === "-") process.stdout.removeAllListeners("error");
    await copyFromContainer(engine, from[0], from[1], dst === "-" ? process.stdout : dst);
    return;
  }
  const [ref, path] = to as [string, string];
  await copyToContainer(engine, ref, src === "-" ? process.stdin : src, path, flags.bool("archive"));
};
