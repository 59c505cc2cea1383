// hoist run / container run: create a container and start it, attached (this process is its monitor) or -d.
import { createContainer } from "../../runtime/create.ts";
import { startContainer } from "../../runtime/lifecycle.ts";
import { trace } from "../../runtime/trace.ts";
import type { CommandModule } from "../command.ts";
import { checkTty, runAttached } from "./container-attach.ts";
import { createFlags, imageForRun, openEngine, parseCreateFlags } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "run",
  aliases: ["container run"],
  usage: "run [OPTIONS] IMAGE [COMMAND] [ARG...]",
  description: "Create and run a new container from an image",
  flags: [
    ...createFlags,
    { name: "detach", short: "d", type: "bool", description: "Run container in background and print container ID" },
    { name: "sig-proxy", type: "bool", default: true, description: "Proxy received signals to the process" },
  ],
  args: { min: 1 },
  stopAtFirstArg: true,
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const [imageName = "", ...cmd] = args;
  const detach = flags.bool("detach");
  const options = parseCreateFlags(ctx, flags, cmd);
  if (!detach) checkTty(ctx, flags.bool("tty"), flags.bool("interactive"));
  const engine = openEngine(ctx);
  const image = await imageForRun(ctx, engine.store, imageName, flags);
  trace("run: image found");
  const created = await createContainer(engine, {
    ...options,
    image,
    imageName,
    attachStdout: !detach,
    holdLock: true,
  });
  trace("run: created");
  for (const w of created.warnings) ctx.io.err(`WARNING: ${w}\n`);
  const id = created.record.Id;
  if (detach) {
    await startContainer(engine, id, { ...(created.lockFd !== undefined ? { lockFd: created.lockFd } : {}) });
    ctx.io.out(`${id}\n`);
    return 0;
  }
  return runAttached(ctx, engine, id, {
    tty: flags.bool("tty"),
    stdin: flags.bool("interactive"),
    sigProxy: flags.bool("sig-proxy"),
    ...(created.lockFd !== undefined ? { lockFd: created.lockFd } : {}),
  });
};
