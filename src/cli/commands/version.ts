import type { CommandModule } from "../command.ts";
import { VERSION } from "../../version.ts";

export const spec: CommandModule["spec"] = {
  name: "version",
  usage: "version [OPTIONS]",
  description: "Show the Hoist version information",
  flags: [
    { name: "format", short: "f", type: "string", description: "Format output using a custom template" },
    { name: "short-banner", type: "bool", description: "", hidden: true },
  ],
  args: { max: 0 },
};

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  if (flags.bool("short-banner")) {
    ctx.io.out(`Hoist version ${VERSION}\n`);
    return;
  }
  const info = {
    Client: {
      Version: VERSION,
      ApiVersion: "1.43",
      GoVersion: `node ${process.version}`,
      Os: process.platform,
      Arch: archName(),
      BuildTime: "",
    },
  };
  const format = flags.string("format");
  if (format) {
    const { renderOne } = await import("../format.ts");
    ctx.io.out(renderOne(format, info) + "\n");
    return;
  }
  ctx.io.out(
    `Client:\n Version:           ${VERSION}\n API version:       1.43\n Node version:      ${process.version}\n OS/Arch:           ${process.platform}/${archName()}\n`,
  );
};

export function archName(): string {
  return process.arch === "x64" ? "amd64" : process.arch === "ia32" ? "386" : process.arch;
}
