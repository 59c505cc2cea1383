// hoist load [-i FILE]: docker-archive, oci-archive or an OCI layout directory.
import { HoistError } from "../../errors.ts";
import { copy } from "../../copy/index.ts";
import { openArchiveSource } from "../../transports/detect.ts";
import { StoreSink } from "../../transports/store/index.ts";
import type { CommandModule } from "../command.ts";
import { familiar } from "../names.ts";
import { openStore } from "../store.ts";

export const spec: CommandModule["spec"] = {
  name: "load",
  aliases: ["image load"],
  usage: "load [OPTIONS]",
  description: "Load an image from a tar archive or STDIN",
  flags: [
    { name: "input", short: "i", type: "string", description: "Read from tar archive file, instead of STDIN" },
    { name: "quiet", short: "q", type: "bool", description: "Suppress the load output" },
    { name: "platform", type: "string", description: "Load only the given platform variant" },
  ],
  args: { max: 0 },
};

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  const input = flags.string("input");
  if (!input && (ctx.io.stdin as NodeJS.ReadStream).isTTY)
    throw new HoistError("INVALID_ARGUMENT", "requested load from stdin, but stdin is empty");
  const store = openStore(ctx);
  const source = await openArchiveSource(input ?? (ctx.io.stdin as NodeJS.ReadableStream), { signal: ctx.signal });
  const lines: string[] = [];
  await copy(source, new StoreSink(store), {
    signal: ctx.signal,
    onEvent: (e) => {
      if (e.type !== "image-done") return;
      if (e.names.length === 0) lines.push(`Loaded image ID: ${e.id}`);
      for (const n of e.names) lines.push(`Loaded image: ${familiar(n)}`);
    },
  });
  ctx.io.out(lines.map((l) => `${l}\n`).join(""));
};
