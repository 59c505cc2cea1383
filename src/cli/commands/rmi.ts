// hoist rmi / image rm: untag, and delete images no name holds any more.
import { HoistError, isHoistError } from "../../errors.ts";
import { parseDockerRef, toString, imageIdHex } from "../../ref/index.ts";
import {
  childrenOf,
  imagesInUse,
  readContainers,
  collectGarbage,
  getImage,
  repositoryOf,
  type ContainerRecord,
  type ImageRecord,
  type StoreState,
} from "../../store/index.ts";
import type { CommandModule } from "../command.ts";
import { familiar } from "../names.ts";
import { openStore } from "../store.ts";

export const spec: CommandModule["spec"] = {
  name: "rmi",
  aliases: ["image rm", "image remove"],
  usage: "rmi [OPTIONS] IMAGE [IMAGE...]",
  description: "Remove one or more images",
  flags: [
    { name: "force", short: "f", type: "bool", description: "Force removal of the image" },
    { name: "no-prune", type: "bool", description: "Do not delete untagged parents" },
  ],
  args: { min: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const store = openStore(ctx);
  const force = flags.bool("force");
  let failed = false;
  await store.update((state) => {
    const users = imagesInUse(readContainers(store.paths));
    for (const arg of args) {
      try {
        for (const line of removeImage(state, arg, force, users)) ctx.io.out(`${line}\n`);
      } catch (e) {
        if (!isHoistError(e)) throw e;
        ctx.io.err(`Error: ${e.message}\n`);
        failed = true;
      }
    }
    collectGarbage(store.paths, state);
  });
  return failed ? 1 : 0;
};

/** Docker's rmi rules for one argument; returns the Untagged:/Deleted: lines. */
export function removeImage(
  state: StoreState,
  arg: string,
  force: boolean,
  inUse: Map<string, ContainerRecord[]> = new Map(),
): string[] {
  const img = getImage(state, arg);
  const lines: string[] = [];
  const byName = nameMatch(img, arg);
  // Containers keep their image (its layers are their lower layers): in use, it is at most untagged.
  const users = inUse.get(img.id) ?? [];
  const running = users.find((c) => c.State.Status === "running" || c.State.Status === "paused");
  if (byName !== undefined) {
    if (users[0] && !force && img.names.length + img.digests.length === 1)
      throw new HoistError(
        "CONFLICT",
        `conflict: unable to remove repository reference "${arg}" (must force) - container ${users[0].Id.slice(0, 12)} is using its referenced image ${img.id.slice(7, 19)}`,
      );
    img.names = img.names.filter((n) => n !== byName);
    img.digests = img.digests.filter((d) => d !== byName);
    lines.push(`Untagged: ${familiar(byName)}`);
    if (img.names.length > 0 || users.length > 0) return lines;
  } else {
    if (running)
      throw new HoistError(
        "CONFLICT",
        `conflict: unable to delete ${img.id.slice(7, 19)} (cannot be forced) - image is being used by running container ${running.Id.slice(0, 12)}`,
      );
    if (users[0] && !force)
      throw new HoistError(
        "CONFLICT",
        `conflict: unable to delete ${img.id.slice(7, 19)} (must be forced) - image is being used by stopped container ${users[0].Id.slice(0, 12)}`,
      );
    if (users.length > 0) {
      for (const n of [...img.names, ...img.digests]) lines.push(`Untagged: ${familiar(n)}`);
      img.names = [];
      img.digests = [];
      return lines;
    }
    const repos = new Set(img.names.map(repositoryOf));
    if (repos.size > 1 && !force)
      throw new HoistError(
        "CONFLICT",
        `conflict: unable to delete ${img.id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`,
      );
  }
  if (childrenOf(state, img.id).length > 0)
    throw new HoistError(
      "CONFLICT",
      `conflict: unable to delete ${img.id.slice(7, 19)} (cannot be forced) - image has dependent child images`,
    );
  for (const n of [...img.names, ...img.digests]) lines.push(`Untagged: ${familiar(n)}`);
  delete state.images[img.id.slice(7)];
  lines.push(`Deleted: ${img.id}`);
  const stillUsed = new Set(Object.values(state.images).flatMap((i) => i.layers));
  for (const l of img.layers) if (!stillUsed.has(l)) lines.push(`Deleted: ${l}`);
  return lines;
}

/** The stored name `arg` refers to, when it names the image (rather than giving its ID). */
function nameMatch(img: ImageRecord, arg: string): string | undefined {
  const hex = imageIdHex(arg);
  if (hex !== undefined && img.id.slice(7).startsWith(hex)) {
    // An ID-like argument that is also one of the image's names counts as the name (docker's order).
    try {
      const full = toString(parseDockerRef(arg));
      if (img.names.includes(full)) return full;
    } catch {
      /* an ID */
    }
    return undefined;
  }
  const full = toString(parseDockerRef(arg));
  return img.names.includes(full) || img.digests.includes(full) ? full : undefined;
}
