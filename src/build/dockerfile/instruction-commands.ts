// The instructions with simple arguments, and the dispatch by instruction name.
import { goQuote, trimSpace } from "./go-text.ts";
import { parseCmd, parseEntrypoint, parseHealthcheck, parseRun, parseShell } from "./instruction-exec.ts";
import { parseAdd, parseCopy } from "./instruction-files.ts";
import {
  atLeastOneArgument,
  commentFor,
  exactlyOneArgument,
  InstructionSyntaxError,
  type Request,
} from "./instruction-request.ts";
import type { ArgDefinition, Instruction, KeyValue } from "./instruction-types.ts";

type Parse = (req: Request) => Instruction;

const parsers: Record<string, Parse> = {
  add: parseAdd,
  arg: parseArg,
  cmd: parseCmd,
  copy: parseCopy,
  entrypoint: parseEntrypoint,
  env: (req) => ({ kind: "env", ...req.base, env: keyValues(req, "ENV") }),
  expose: parseExpose,
  from: parseFrom,
  healthcheck: parseHealthcheck,
  label: (req) => ({ kind: "label", ...req.base, labels: keyValues(req, "LABEL") }),
  maintainer: (req) => ({ kind: "maintainer", ...req.base, maintainer: oneArgument(req, "MAINTAINER") }),
  onbuild: parseOnbuild,
  run: parseRun,
  shell: parseShell,
  // BuildKit does not check STOPSIGNAL's (or ARG's) flags
  stopsignal: (req) => ({ kind: "stopsignal", ...req.base, signal: exactlyOneArgument(req, "STOPSIGNAL") }),
  user: (req) => ({ kind: "user", ...req.base, user: oneArgument(req, "USER") }),
  volume: parseVolume,
  workdir: (req) => ({ kind: "workdir", ...req.base, path: oneArgument(req, "WORKDIR") }),
};

/** The typed instruction for a lower-case instruction name; undefined for an unknown instruction. */
export function commandInstruction(name: string, req: Request): Instruction | undefined {
  const parse = Object.hasOwn(parsers, name) ? parsers[name] : undefined;
  return parse?.(req);
}

function oneArgument(req: Request, command: string): string {
  const value = exactlyOneArgument(req, command);
  req.flags({});
  return value;
}

/** ENV / LABEL triples (key, value, separator) → pairs. */
function keyValues(req: Request, command: string): KeyValue[] {
  req.flags({});
  const { args } = req;
  if (args.length === 0) throw atLeastOneArgument(command);
  if (args.length % 3 !== 0) throw new InstructionSyntaxError(`Bad input to ${command}, too many arguments`);
  const pairs: KeyValue[] = [];
  for (let i = 0; i < args.length; i += 3) {
    const key = args[i] ?? "";
    if (key === "") throw new InstructionSyntaxError(`${command} names can not be blank`);
    pairs.push({ key, value: args[i + 1] ?? "", legacyForm: args[i + 2] === "" });
  }
  return pairs;
}

const validStageName = /^[a-z][a-z0-9-_.]*$/;

function parseFrom(req: Request): Instruction {
  const { args } = req;
  let stageName = "";
  if (args.length === 3 && args[1]?.toLowerCase() === "as") {
    stageName = (args[2] ?? "").toLowerCase();
    if (!validStageName.test(stageName)) {
      throw new InstructionSyntaxError(
        `invalid name for build stage: ${goQuote(args[2] ?? "")}, name can't start with a number or contain symbols`,
      );
    }
  } else if (args.length !== 1) {
    throw new InstructionSyntaxError("FROM requires either one or three arguments");
  }
  const flags = req.flags({ platform: "string" });
  return {
    kind: "from",
    ...req.base,
    baseName: args[0] ?? "",
    stageName,
    platform: flags.string("platform") ?? "",
    comment: commentFor(req.node.comments, stageName),
  };
}

function parseOnbuild(req: Request): Instruction {
  const [first] = req.args;
  if (first === undefined) throw atLeastOneArgument("ONBUILD");
  req.flags({});
  const trigger = trimSpace(first).toUpperCase();
  if (trigger === "ONBUILD") throw new InstructionSyntaxError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (trigger === "MAINTAINER" || trigger === "FROM") {
    throw new InstructionSyntaxError(`${trigger} isn't allowed as an ONBUILD trigger`);
  }
  let expression = req.node.original.replace(/^[\t\n\f\r ]*ONBUILD[\t\n\f\r ]*/i, "");
  for (const doc of req.node.heredocs) expression += "\n" + doc.content + doc.name;
  return { kind: "onbuild", ...req.base, expression, trigger };
}

function parseExpose(req: Request): Instruction {
  if (req.args.length === 0) throw atLeastOneArgument("EXPOSE");
  req.flags({});
  return { kind: "expose", ...req.base, ports: [...req.args].sort() };
}

function parseVolume(req: Request): Instruction {
  if (req.args.length === 0) throw atLeastOneArgument("VOLUME");
  req.flags({});
  const volumes = req.args.map((v) => {
    const volume = trimSpace(v);
    if (volume === "") throw new InstructionSyntaxError("VOLUME specified can not be an empty string");
    return volume;
  });
  return { kind: "volume", ...req.base, volumes };
}

function parseArg(req: Request): Instruction {
  if (req.args.length === 0) throw atLeastOneArgument("ARG");
  const args = req.args.map((arg): ArgDefinition => {
    const eq = arg.indexOf("=");
    const key = eq < 0 ? arg : arg.slice(0, eq);
    if (eq === 0) throw new InstructionSyntaxError("ARG names can not be blank");
    const comment = commentFor(req.node.comments, key);
    return { key, ...(eq < 0 ? {} : { value: arg.slice(eq + 1) }), ...(comment === "" ? {} : { comment }) };
  });
  return { kind: "arg", ...req.base, args };
}
