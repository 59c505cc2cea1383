// hoist import FILE|URL|- [REPOSITORY[:TAG]]
import { statSync } from "node:fs";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { HoistError, errnoCode } from "../../errors.ts";
import { importImage } from "../../image/import.ts";
import { normalizeTagged } from "../../store/index.ts";
import type { CommandModule } from "../command.ts";
import { openStore } from "../store.ts";

export const spec: CommandModule["spec"] = {
  name: "import",
  usage: "import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
  description: "Import the contents from a tarball to create a filesystem image",
  flags: [
    { name: "change", short: "c", type: "strings", description: "Apply Dockerfile instruction to the created image" },
    { name: "message", short: "m", type: "string", description: "Set commit message for imported image" },
    { name: "platform", type: "string", description: "Set platform if server is multi-platform capable" },
  ],
  args: { min: 1, max: 2 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const [source = "", name] = args;
  const normalized = name === undefined ? undefined : normalizeTagged(name);
  const platform = flags.string("platform");
  if (platform && platform !== "linux/amd64" && platform !== "linux")
    throw new HoistError("INVALID_ARGUMENT", `platform ${platform} is not supported here (only linux/amd64)`);
  const store = openStore(ctx);
  const input =
    source === "-" || /^https?:\/\//.test(source)
      ? await openInput(source, ctx.io.stdin, ctx.signal)
      : checkFile(source);
  const id = await importImage(store, input, {
    changes: flags.strings("change"),
    comment: flags.string("message") || `Imported from ${/^https?:\/\//.test(source) ? source : "-"}`,
    names: normalized ? [normalized] : [],
    signal: ctx.signal,
  });
  ctx.io.out(`${id}\n`);
};

/** A local tarball: the import reads it by path (so a layer the store has is not extracted again). */
function checkFile(path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    if (errnoCode(e) === "ENOENT") throw new HoistError("NOT_FOUND", `open ${path}: no such file or directory`);
    throw e;
  }
  if (st.isDirectory()) throw new HoistError("INVALID_ARGUMENT", `${path} is a directory: import takes a tarball`);
  return path;
}

async function openInput(source: string, stdin: NodeJS.ReadableStream, signal: AbortSignal): Promise<Readable> {
  if (source === "-") return stdin as Readable;
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source, { signal });
    if (!res.ok || !res.body) throw new HoistError("IO", `Get "${source}": ${res.status} ${res.statusText}`);
    return Readable.fromWeb(res.body as WebReadableStream);
  }
  throw new HoistError("INTERNAL", `not a stream source: ${source}`);
}
