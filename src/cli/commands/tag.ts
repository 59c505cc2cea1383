// hoist tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]
import { getImage, normalizeTagged, setName } from "../../store/index.ts";
import type { CommandModule } from "../command.ts";
import { openStore } from "../store.ts";

export const spec: CommandModule["spec"] = {
  name: "tag",
  aliases: ["image tag"],
  usage: "tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
  description: "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
  flags: [],
  args: { exact: 2 },
};

export const run: CommandModule["run"] = async (ctx, args) => {
  const [source = "", target = ""] = args;
  const name = normalizeTagged(target);
  const store = openStore(ctx);
  getImage(store.state(), source); // fail fast without taking the lock
  await store.update((state) => setName(state, getImage(state, source).id, name));
};
