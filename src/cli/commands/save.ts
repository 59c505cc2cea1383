// hoist save [-o FILE] [--format docker-archive|oci-archive] IMAGE...
import { HoistError } from "../../errors.ts";
import { copy } from "../../copy/index.ts";
import { parseDockerRef, toString, imageIdHex } from "../../ref/index.ts";
import { getImage, type ImageRecord } from "../../store/index.ts";
import { StoreSource } from "../../transports/store/index.ts";
import { createDockerArchiveSink } from "../../transports/docker-archive/index.ts";
import { createOciArchiveSink } from "../../transports/oci-archive/index.ts";
import type { CommandModule } from "../command.ts";
import { openStore } from "../store.ts";

export const spec: CommandModule["spec"] = {
  name: "save",
  aliases: ["image save"],
  usage: "save [OPTIONS] IMAGE [IMAGE...]",
  description: "Save one or more images to a tar archive (streamed to STDOUT by default)",
  flags: [
    { name: "output", short: "o", type: "string", description: "Write to a file, instead of STDOUT" },
    {
      name: "format",
      type: "string",
      default: "docker-archive",
      description: "Archive format: docker-archive or oci-archive",
    },
    { name: "platform", type: "string", description: "Save only the given platform variant" },
  ],
  args: { min: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const output = flags.string("output");
  const format = flags.string("format") ?? "docker-archive";
  if (format !== "docker-archive" && format !== "oci-archive")
    throw new HoistError("INVALID_ARGUMENT", `unsupported format "${format}": use docker-archive or oci-archive`);
  if (!output && (ctx.io.stdout as NodeJS.WriteStream).isTTY)
    throw new HoistError("INVALID_ARGUMENT", "cowardly refusing to save to a terminal. Use the -o flag or redirect");
  const store = openStore(ctx);
  const state = store.state();
  // Each image once, carrying the names the user asked for (all its names when given by ID).
  const picked = new Map<string, { record: ImageRecord; names: string[] }>();
  for (const arg of args) {
    const record = getImage(state, arg);
    const entry = picked.get(record.id) ?? { record, names: [] };
    picked.set(record.id, entry);
    const byId = imageIdHex(arg) !== undefined && record.id.slice(7).startsWith(imageIdHex(arg) ?? "-");
    const name = byId ? undefined : toString(parseDockerRef(arg));
    const names = name && record.names.includes(name) ? [name] : byId ? record.names : [];
    for (const n of names) if (!entry.names.includes(n)) entry.names.push(n);
  }
  const source = new StoreSource(store, [...picked.values()]);
  const target = output ?? (ctx.io.stdout as NodeJS.WritableStream);
  const sink = format === "oci-archive" ? createOciArchiveSink(target) : createDockerArchiveSink(target);
  await copy(source, sink, { signal: ctx.signal });
};
