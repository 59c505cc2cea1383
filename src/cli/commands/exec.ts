// hoist exec / container exec [-d] [-i] [-t] [-e] [-w] [-u] CONTAINER COMMAND [ARG...]
import { HoistError } from "../../errors.ts";
import { envEntry, readEnvFile } from "../../runtime/env.ts";
import { execInContainer } from "../../runtime/exec.ts";
import type { CommandModule } from "../command.ts";
import { checkTty, makeRaw } from "./container-attach.ts";
import { openEngine } from "./container-flags.ts";

export const spec: CommandModule["spec"] = {
  name: "exec",
  aliases: ["container exec"],
  usage: "exec [OPTIONS] CONTAINER COMMAND [ARG...]",
  description: "Execute a command in a running container",
  flags: [
    { name: "detach", short: "d", type: "bool", description: "Detached mode: run command in the background" },
    { name: "env", short: "e", type: "strings", description: "Set environment variables" },
    { name: "env-file", type: "strings", description: "Read in a file of environment variables" },
    { name: "interactive", short: "i", type: "bool", description: "Keep STDIN open even if not attached" },
    { name: "privileged", type: "bool", description: "Give extended privileges to the command" },
    { name: "tty", short: "t", type: "bool", description: "Allocate a pseudo-TTY" },
    { name: "user", short: "u", type: "string", description: "Username or UID (format: <name|uid>[:<group|gid>])" },
    { name: "workdir", short: "w", type: "string", description: "Working directory inside the container" },
  ],
  args: { min: 2 },
  stopAtFirstArg: true,
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const [ref = "", ...cmd] = args;
  if (cmd.length === 0) throw new HoistError("INVALID_ARGUMENT", "exec requires at least 2 arguments");
  const tty = flags.bool("tty");
  const stdin = flags.bool("interactive");
  const detach = flags.bool("detach");
  if (!detach) checkTty(ctx, tty, stdin);
  const env: string[] = [];
  for (const f of flags.strings("env-file")) env.push(...readEnvFile(f, ctx.env));
  for (const e of flags.strings("env")) {
    const v = envEntry(e, ctx.env);
    if (v !== undefined) env.push(v);
  }
  const engine = openEngine(ctx);
  const out = process.stdout;
  out.removeAllListeners("error");
  out.on("error", () => {});
  const raw = tty && stdin && process.stdin.isTTY;
  if (raw) makeRaw(process.stdin);
  try {
    return await execInContainer(engine, ref, {
      cmd,
      env,
      ...(flags.string("workdir") ? { workdir: flags.string("workdir") as string } : {}),
      ...(flags.string("user") !== undefined ? { user: flags.string("user") as string } : {}),
      tty,
      stdin,
      detach,
      privileged: flags.bool("privileged"),
      attach: {
        stdout: out,
        stderr: process.stderr,
        ...(stdin ? { stdin: process.stdin } : {}),
        ...(out.isTTY
          ? {
              size: () => ({ rows: out.rows, cols: out.columns }),
              onResize: (l: () => void) => void out.on("resize", l),
            }
          : {}),
      },
    });
  } finally {
    if (raw) process.stdin.setRawMode(false);
    process.stdin.pause();
  }
};
