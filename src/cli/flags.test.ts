import { test } from "node:test";
import assert from "node:assert/strict";
import { UsageError } from "../errors.ts";
import type { CommandSpec } from "./command.ts";
import { helpText, parseFlags } from "./flags.ts";

const spec: CommandSpec = {
  name: "demo",
  usage: "demo [OPTIONS] ARG",
  description: "A demo",
  flags: [
    { name: "all", short: "a", type: "bool", description: "All" },
    { name: "quiet", short: "q", type: "bool", description: "Quiet" },
    { name: "name", short: "n", type: "string", description: "Name" },
    { name: "env", short: "e", type: "strings", description: "Env" },
    { name: "count", type: "int", description: "Count", default: 3 },
    { name: "human", short: "H", type: "bool", default: true, description: "Human" },
  ],
};

test("long, short, combined, =value and repeated flags", () => {
  const { args, flags } = parseFlags(spec, [
    "-aq",
    "--name=x",
    "-e",
    "A=1",
    "-eB=2",
    "pos",
    "--count",
    "7",
    "-H=false",
  ]);
  assert.deepEqual(args, ["pos"]);
  assert.equal(flags.bool("all"), true);
  assert.equal(flags.bool("quiet"), true);
  assert.equal(flags.string("name"), "x");
  assert.deepEqual(flags.strings("env"), ["A=1", "B=2"]);
  assert.equal(flags.int("count"), 7);
  assert.equal(flags.bool("human"), false);
  assert.equal(parseFlags(spec, []).flags.bool("human"), true);
  assert.equal(parseFlags(spec, []).flags.int("count"), 3);
});

test("-- ends flags; stopAtFirstArg keeps the rest verbatim", () => {
  assert.deepEqual(parseFlags(spec, ["--", "-a"]).args, ["-a"]);
  const run = { ...spec, stopAtFirstArg: true };
  const { args, flags } = parseFlags(run, ["-a", "img", "sh", "-c", "echo"]);
  assert.deepEqual(args, ["img", "sh", "-c", "echo"]);
  assert.equal(flags.bool("all"), true);
});

test("unknown flags and missing values are usage errors (exit 125)", () => {
  assert.throws(
    () => parseFlags(spec, ["--nope"]),
    (e: unknown) => e instanceof UsageError && e.message === "unknown flag: --nope" && e.exitCode === 125,
  );
  assert.throws(() => parseFlags(spec, ["-z"]), /unknown shorthand flag: 'z' in -z/);
  assert.throws(() => parseFlags(spec, ["--name"]), /flag needs an argument: --name/);
  assert.throws(() => parseFlags(spec, ["--count", "x"]), /invalid argument "x"/);
});

test("help lists options", () => {
  const h = helpText(spec);
  assert.match(h, /Usage: {2}hoist demo \[OPTIONS\] ARG/);
  assert.match(h, /-a, --all\s+All/);
  assert.match(h, /--count int\s+Count \(default 3\)/);
});
