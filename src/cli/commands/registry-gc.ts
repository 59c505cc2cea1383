// hoist registry gc: delete blobs no manifest references (and abandoned uploads), safe while the server runs.
import { FilesystemDriver, collectGarbage } from "../../server/index.ts";
import type { CommandModule } from "../command.ts";
import { humanSize } from "../units.ts";
import { configFlags, resolveConfig } from "./registry-config.ts";

export const spec: CommandModule["spec"] = {
  name: "registry gc",
  usage: "registry gc [OPTIONS]",
  description: "Delete blobs that no manifest references, and abandoned uploads",
  flags: [
    ...configFlags,
    { name: "dry-run", short: "n", type: "bool", description: "List what would be deleted, delete nothing" },
    { name: "delete-untagged", type: "bool", description: "Also delete manifests that no tag reaches" },
    {
      name: "grace-period",
      type: "string",
      valueName: "duration",
      description: 'Keep unreferenced blobs younger than this (default "1h")',
    },
    {
      name: "upload-purge-age",
      type: "string",
      valueName: "duration",
      description: 'Delete uploads idle longer than this (default "168h")',
    },
  ],
  args: { max: 0 },
};

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  const config = resolveConfig(ctx, flags, spec.name);
  const dryRun = flags.bool("dry-run");
  const verb = dryRun ? "would delete" : "deleted";
  const report = await collectGarbage(new FilesystemDriver(config.root, { fsync: config.fsync }), {
    dryRun,
    deleteUntagged: flags.bool("delete-untagged"),
    gracePeriodSeconds: config.gc.gracePeriodSeconds,
    uploadPurgeAgeSeconds: config.gc.uploadPurgeAgeSeconds,
    onEvent: (e) => {
      if (e.kind === "blob") ctx.io.out(`${verb} blob ${e.digest} (${humanSize(e.size)})\n`);
      else if (e.kind === "manifest") ctx.io.out(`${verb} manifest ${e.repository}@${e.digest}\n`);
      else if (e.kind === "upload") ctx.io.out(`${verb} upload ${e.id}\n`);
    },
  });
  ctx.io.out(
    `${report.repositories} repositories, ${report.markedBlobs} blobs in use; ${verb} ${report.deletedBlobs.length} blobs (${humanSize(report.freedBytes)}), ${report.deletedManifests.length} manifests, ${report.deletedUploads.length} uploads\n`,
  );
};
