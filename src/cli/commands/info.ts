// hoist info / system info
import { execFileSync } from "node:child_process";
import { cpus, release, totalmem } from "node:os";
import { existsSync, readFileSync } from "node:fs";
import { VERSION } from "../../version.ts";
import { platformArch } from "../../image/index.ts";
import type { CommandModule } from "../command.ts";
import { openStore } from "../store.ts";
import { bytesSize } from "../units.ts";

export const spec: CommandModule["spec"] = {
  name: "info",
  aliases: ["system info"],
  usage: "info [OPTIONS]",
  description: "Display system-wide information",
  flags: [{ name: "format", short: "f", type: "string", description: "Format output using a custom template" }],
  args: { max: 0 },
};

function runtimeVersion(bin: string): string | undefined {
  try {
    return execFileSync(bin, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n")[0];
  } catch {
    return undefined;
  }
}

function osName(): string {
  try {
    return /PRETTY_NAME="?([^"\n]*)/.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? "Linux";
  } catch {
    return "Linux";
  }
}

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  const store = openStore(ctx);
  const state = store.state();
  const images = Object.keys(state.images).length;
  const runtimes = ["runc", "crun"].filter((r) => runtimeVersion(r) !== undefined);
  const { containerInfo } = await import("./container-df.ts");
  const ci = await containerInfo(ctx);
  const cgroup = existsSync("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1";
  const info = {
    ID: "",
    Containers: ci.total,
    ContainersRunning: ci.running,
    ContainersPaused: ci.paused,
    ContainersStopped: ci.total - ci.running - ci.paused,
    Images: images,
    Driver: ci.driver,
    DockerRootDir: ctx.root,
    Runtimes: Object.fromEntries(runtimes.map((r) => [r, { path: r }])),
    DefaultRuntime: ci.defaultRuntime,
    CgroupVersion: cgroup,
    KernelVersion: release(),
    OperatingSystem: osName(),
    OSType: "linux",
    Architecture: platformArch() === "amd64" ? "x86_64" : platformArch(),
    NCPU: cpus().length,
    MemTotal: totalmem(),
    ServerVersion: VERSION,
  };
  const format = flags.string("format");
  if (format) {
    const { renderOne } = await import("../format.ts");
    ctx.io.out(`${renderOne(format, info)}\n`);
    return;
  }
  ctx.io.out(
    [
      "Client:",
      ` Version:    ${VERSION}`,
      ` Context:    default`,
      "",
      "Server:",
      ` Containers: ${ci.total}`,
      `  Running: ${ci.running}`,
      `  Paused: ${ci.paused}`,
      `  Stopped: ${ci.total - ci.running - ci.paused}`,
      ` Images: ${images}`,
      ` Server Version: ${VERSION} (daemonless)`,
      ` Storage Driver: ${ci.driver}`,
      `  Backing Filesystem: ${fsType(ctx.root)}`,
      ` Cgroup Version: ${cgroup}`,
      ` Runtimes: ${runtimes.join(" ") || "(none found: apt-get install runc)"}`,
      ` Default Runtime: ${ci.defaultRuntime}`,
      ...ci.broken.map((b) => ` WARNING: runtime ${b.name} does not work here: ${b.error}`),
      ` Kernel Version: ${release()}`,
      ` Operating System: ${osName()}`,
      ` OSType: linux`,
      ` Architecture: ${info.Architecture}`,
      ` CPUs: ${info.NCPU}`,
      ` Total Memory: ${bytesSize(info.MemTotal)}`,
      ` Hoist Root Dir: ${ctx.root}`,
      "",
    ].join("\n"),
  );
};

function fsType(path: string): string {
  try {
    return execFileSync("stat", ["-f", "-c", "%T", existsSync(path) ? path : "/"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}
