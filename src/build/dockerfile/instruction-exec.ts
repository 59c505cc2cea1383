// Instructions that run or describe a command: RUN, CMD, ENTRYPOINT, HEALTHCHECK, SHELL.
import { parseDuration } from "./duration.ts";
import type { Flags } from "./flags.ts";
import { goQuote } from "./go-text.ts";
import { atLeastOneArgument, handleJSONArgs, InstructionSyntaxError, type Request } from "./instruction-request.ts";
import type { HealthConfig, InlineFile, Instruction } from "./instruction-types.ts";
import { checkMountSyntax } from "./run-mount.ts";

function inlineFiles(req: Request): InlineFile[] {
  return req.node.heredocs.map((doc) => ({ name: doc.name, data: doc.content, chomp: doc.chomp }));
}

const networkModes = new Set(["default", "none", "host"]);
const securityModes = new Set(["sandbox", "insecure"]);

export function parseRun(req: Request): Instruction {
  const flags = req.flags({ mount: "strings", network: "string", security: "string", device: "strings" });
  const network = flags.string("network") ?? "";
  if (flags.string("network") !== undefined && !networkModes.has(network)) {
    throw new InstructionSyntaxError(`unsupported network mode ${goQuote(network)}`);
  }
  const security = flags.string("security") ?? "";
  if (flags.string("security") !== undefined && !securityModes.has(security)) {
    throw new InstructionSyntaxError(`unsupported security mode ${goQuote(security)}`);
  }
  const mounts = flags.strings("mount");
  mounts.forEach(checkMountSyntax);
  return {
    kind: "run",
    ...req.base,
    cmdLine: handleJSONArgs(req.args, req.node.json),
    prependShell: !req.node.json,
    files: inlineFiles(req),
    mounts,
    network,
    security,
    devices: flags.strings("device"),
    flagsUsed: flags.used,
  };
}

export function parseCmd(req: Request): Instruction {
  req.flags({});
  return {
    kind: "cmd",
    ...req.base,
    cmdLine: handleJSONArgs(req.args, req.node.json),
    prependShell: !req.node.json,
    files: inlineFiles(req),
  };
}

export function parseEntrypoint(req: Request): Instruction {
  req.flags({});
  const cmdLine = handleJSONArgs(req.args, req.node.json);
  return {
    kind: "entrypoint",
    ...req.base,
    cmdLine: cmdLine.length === 0 ? null : cmdLine,
    prependShell: !req.node.json,
    files: inlineFiles(req),
  };
}

export function parseShell(req: Request): Instruction {
  req.flags({});
  const shell = handleJSONArgs(req.args, req.node.json);
  if (shell.length === 0) throw atLeastOneArgument("SHELL");
  if (!req.node.json) throw new InstructionSyntaxError("SHELL requires the arguments to be in JSON form");
  return { kind: "shell", ...req.base, shell };
}

/** The minimum non-zero healthcheck duration: 1ms. */
const minimumDuration = 1_000_000;

function interval(flags: Flags, name: string): number {
  const value = flags.string(name) ?? "";
  if (value === "") return 0;
  let d: number;
  try {
    d = parseDuration(value);
  } catch (e) {
    throw new InstructionSyntaxError((e as Error).message);
  }
  if (d !== 0 && d < minimumDuration)
    throw new InstructionSyntaxError(`Interval ${goQuote(name)} cannot be less than 1ms`);
  return d;
}

function retries(flags: Flags): number {
  const value = flags.string("retries") ?? "";
  if (value === "") return 0;
  const n = /^[+-]?[0-9]+$/.test(value) ? Number.parseInt(value, 10) : NaN;
  if (Number.isNaN(n)) throw new InstructionSyntaxError(`strconv.ParseInt: parsing ${goQuote(value)}: invalid syntax`);
  if (n < -(2 ** 31) || n >= 2 ** 31) {
    throw new InstructionSyntaxError(`strconv.ParseInt: parsing ${goQuote(value)}: value out of range`);
  }
  if (n < 0) throw new InstructionSyntaxError(`--retries cannot be negative (${n})`);
  return n;
}

export function parseHealthcheck(req: Request): Instruction {
  const [first, ...rest] = req.args;
  if (first === undefined) throw atLeastOneArgument("HEALTHCHECK");
  const type = first.toUpperCase();
  const none = { interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 };
  if (type === "NONE") {
    // BuildKit does not look at the flags of HEALTHCHECK NONE
    if (rest.length !== 0) throw new InstructionSyntaxError("HEALTHCHECK NONE takes no arguments");
    return { kind: "healthcheck", ...req.base, health: { test: ["NONE"], ...none } };
  }
  const flags = req.flags({
    interval: "string",
    timeout: "string",
    "start-period": "string",
    "start-interval": "string",
    retries: "string",
  });
  if (type !== "CMD") throw new InstructionSyntaxError(`Unknown type ${goQuote(type)} in HEALTHCHECK (try CMD)`);
  const cmd = handleJSONArgs(rest, req.node.json);
  if (cmd.length === 0) throw new InstructionSyntaxError("Missing command after HEALTHCHECK CMD");
  const health: HealthConfig = {
    test: [req.node.json ? "CMD" : "CMD-SHELL", ...cmd],
    interval: interval(flags, "interval"),
    timeout: interval(flags, "timeout"),
    startPeriod: interval(flags, "start-period"),
    startInterval: interval(flags, "start-interval"),
    retries: retries(flags),
  };
  return { kind: "healthcheck", ...req.base, health };
}
