// Evaluating pipelines, commands, fields and calls over plain JS values, as Go's exec.go does over reflect values.
import type { ArgNode, ChainNode, CommandNode, IdentifierNode, Node, PipeNode, VariableNode } from "./ast.ts";
import { nodeString } from "./ast.ts";
import { isHoistError } from "../errors.ts";
import { builtins } from "./funcs.ts";
import type { FuncDef, FuncMap, ParamType } from "./funcs.ts";
import { quote } from "./quote.ts";
import { execError } from "./template-error.ts";
import { getField, goTypeName, hasField, isTrue, kindOf, listItems } from "./values.ts";

export interface State {
  readonly name: string;
  readonly source: string;
  /** Functions given when compiling, then those given for this execution (which win). */
  readonly funcs: readonly (FuncMap | undefined)[];
  readonly missingKeyError: boolean;
  /** The variable stack; `$` at the bottom. */
  readonly vars: { name: string; value: unknown }[];
  readonly sink: { out: string };
}

/** Marks "nothing piped in" (Go's missingVal), as distinct from an undefined value piped in. */
export const NONE: unique symbol = Symbol("none");

type At = ArgNode | CommandNode | Node;
type Fn = { readonly def: FuncDef; readonly builtin: boolean };

export function fail(s: State, node: At | undefined, message: string, cause?: unknown): never {
  throw execError(s.name, s.source, node, message, cause);
}

function callError(s: State, node: At, name: string, e: unknown): never {
  if (isHoistError(e)) throw e;
  return fail(s, node, `error calling ${name}: ${e instanceof Error ? e.message : String(e)}`, e);
}

function asDef(f: FuncDef | ((...args: never[]) => unknown)): FuncDef {
  if (typeof f !== "function") return f;
  const fn = f as (...args: unknown[]) => unknown;
  return { params: [], variadic: "any", fn: (args) => fn(...args) };
}

function lookup(s: State, name: string): Fn | undefined {
  for (let i = s.funcs.length - 1; i >= 0; i--) {
    const map = s.funcs[i];
    const f = map !== undefined && Object.hasOwn(map, name) ? map[name] : undefined;
    if (f !== undefined) return { def: asDef(f), builtin: false };
  }
  return Object.hasOwn(builtins, name) ? { def: builtins[name] as FuncDef, builtin: true } : undefined;
}

export function varSlot(s: State, node: At, name: string): { value: unknown } {
  for (let i = s.vars.length - 1; i >= 0; i--) {
    const v = s.vars[i];
    if (v?.name === name) return v;
  }
  return fail(s, node, `undefined variable: ${name}`);
}

const goParam: Record<ParamType, string> = { any: "interface {}", string: "string", int: "int", strings: "[]string" };
const literalParam: Record<ParamType, string> = { any: "", string: "string", int: "integer", strings: "[]string" };

/** Check an argument against a builtin's parameter type, with Go's messages. */
function convert(s: State, type: ParamType, v: unknown, node: At): unknown {
  if (type === "any") return v;
  if (type === "string" && typeof v === "string") return v;
  if (type === "int" && kindOf(v) === "int") return Number(v);
  if (type === "strings" && (v === undefined || v === null)) return [];
  if (type === "strings" && kindOf(v) === "slice") return listItems(v as unknown[]);
  if (node.type === "nil") return fail(s, node, `cannot assign nil to ${goParam[type]}`);
  if (node.type === "number" || node.type === "bool" || node.type === "string") {
    return fail(s, node, `expected ${literalParam[type]}; found ${nodeString(node)}`);
  }
  if (v === undefined || v === null) return fail(s, node, `invalid value; expected ${goParam[type]}`);
  return fail(s, node, `wrong type for value; expected ${goParam[type]}; got ${goTypeName(v)}`);
}

function notAFunction(s: State, args: readonly ArgNode[], final: unknown, node: ArgNode): void {
  if (args.length > 1 || final !== NONE)
    fail(s, node, `can't give argument to non-function ${nodeString(args[0] ?? node)}`);
}

/** An argument: evaluated on its own, never given the piped value. */
function evalArg(s: State, dot: unknown, n: ArgNode): unknown {
  switch (n.type) {
    case "dot":
      return dot;
    case "nil":
      return null;
    case "field":
      return evalFieldChain(s, dot, dot, n, n.ident, [n], NONE);
    case "variable":
      return evalVariable(s, dot, n, [n], NONE);
    case "pipe":
      return evalPipeline(s, dot, n);
    case "identifier":
      return evalFunction(s, dot, n, n, [n], NONE);
    case "chain":
      return evalChain(s, dot, n, [n], NONE);
    default:
      return n.value;
  }
}

function checkArity(s: State, def: FuncDef, name: string, node: At, numIn: number): void {
  const want = def.params.length;
  if (def.variadic !== undefined ? numIn >= want : numIn === want) return;
  fail(
    s,
    node,
    `wrong number of args for ${name}: want ${def.variadic !== undefined ? "at least " : ""}${want} got ${numIn}`,
  );
}

/** and/or evaluate their arguments lazily and return the deciding one. */
function shortCircuit(s: State, dot: unknown, or: boolean, argNodes: readonly ArgNode[], final: unknown): unknown {
  let v: unknown;
  for (const a of argNodes) {
    v = evalArg(s, dot, a);
    if (isTrue(v) === or) return v;
  }
  return final === NONE ? v : final;
}

function evalCall(
  s: State,
  dot: unknown,
  fn: Fn,
  name: string,
  node: At,
  args: readonly ArgNode[],
  final: unknown,
): unknown {
  const argNodes = args.slice(1);
  checkArity(s, fn.def, name, node, argNodes.length + (final === NONE ? 0 : 1));
  if (fn.builtin && (name === "and" || name === "or")) return shortCircuit(s, dot, name === "or", argNodes, final);
  const type = (i: number): ParamType => fn.def.params[i] ?? fn.def.variadic ?? "any";
  const argv = argNodes.map((a, i) => convert(s, type(i), evalArg(s, dot, a), a));
  if (final !== NONE) argv.push(convert(s, type(argv.length), final, node));
  try {
    return fn.def.fn(argv);
  } catch (e) {
    return callError(s, node, name, e);
  }
}

function evalField(
  s: State,
  dot: unknown,
  name: string,
  node: ArgNode,
  args: readonly ArgNode[],
  final: unknown,
  receiver: unknown,
): unknown {
  if (receiver === undefined)
    return s.missingKeyError ? fail(s, node, `nil data; no entry for key ${quote(name)}`) : undefined;
  if (receiver === null) return fail(s, node, `nil pointer evaluating interface {}.${name}`);
  const kind = kindOf(receiver);
  const cantEvaluate = `can't evaluate field ${name} in type ${goTypeName(receiver)}`;
  if (kind !== "map" && kind !== "struct") return fail(s, node, cantEvaluate);
  const obj = receiver as object;
  const hasArgs = args.length > 1 || final !== NONE;
  if (!hasField(obj, name)) {
    if (kind === "struct") return fail(s, node, cantEvaluate);
    if (hasArgs) return fail(s, node, `${name} is not a method but has arguments`);
    return s.missingKeyError ? fail(s, node, `map has no entry for key ${quote(name)}`) : undefined;
  }
  let value: unknown;
  try {
    value = getField(obj, name);
  } catch (e) {
    return callError(s, node, name, e);
  }
  if (typeof value === "function") {
    const method = value as (...a: unknown[]) => unknown;
    const def: FuncDef = { params: [], variadic: "any", fn: (argv) => method.apply(obj, argv) };
    return evalCall(s, dot, { def, builtin: false }, name, node, args, final);
  }
  if (!hasArgs) return value;
  const why =
    kind === "struct" ? "has arguments but cannot be invoked as function" : "is not a method but has arguments";
  return fail(s, node, `${name} ${why}`);
}

function evalFieldChain(
  s: State,
  dot: unknown,
  receiver: unknown,
  node: ArgNode,
  ident: readonly string[],
  args: readonly ArgNode[],
  final: unknown,
): unknown {
  const last = ident.length - 1;
  for (let i = 0; i < last; i++) receiver = evalField(s, dot, ident[i] ?? "", node, [], NONE, receiver);
  return evalField(s, dot, ident[last] ?? "", node, args, final, receiver);
}

function evalVariable(s: State, dot: unknown, v: VariableNode, args: readonly ArgNode[], final: unknown): unknown {
  const value = varSlot(s, v, v.ident[0] ?? "$").value;
  if (v.ident.length > 1) return evalFieldChain(s, dot, value, v, v.ident.slice(1), args, final);
  notAFunction(s, args, final, v);
  return value;
}

function evalChain(s: State, dot: unknown, chain: ChainNode, args: readonly ArgNode[], final: unknown): unknown {
  if (chain.node.type === "nil") return fail(s, chain, `indirection through explicit nil in ${nodeString(chain)}`);
  return evalFieldChain(s, dot, evalArg(s, dot, chain.node), chain, chain.fields, args, final);
}

function evalFunction(
  s: State,
  dot: unknown,
  ident: IdentifierNode,
  node: At,
  args: readonly ArgNode[],
  final: unknown,
): unknown {
  const fn = lookup(s, ident.name);
  if (fn === undefined) return fail(s, ident, `${quote(ident.name)} is not a defined function`);
  return evalCall(s, dot, fn, ident.name, node, args, final);
}

function evalCommand(s: State, dot: unknown, cmd: CommandNode, final: unknown): unknown {
  const first = cmd.args[0] as ArgNode;
  switch (first.type) {
    case "field":
      return evalFieldChain(s, dot, dot, first, first.ident, cmd.args, final);
    case "chain":
      return evalChain(s, dot, first, cmd.args, final);
    case "identifier":
      return evalFunction(s, dot, first, cmd, cmd.args, final);
    case "variable":
      return evalVariable(s, dot, first, cmd.args, final);
    case "pipe":
      notAFunction(s, cmd.args, final, first);
      return evalPipeline(s, dot, first);
    case "nil":
      return fail(s, first, "nil is not a command");
    default:
      notAFunction(s, cmd.args, final, first);
      return first.type === "dot" ? dot : first.value;
  }
}

/** Run a pipeline, then declare or assign its variables. */
export function evalPipeline(s: State, dot: unknown, pipe: PipeNode): unknown {
  let value: unknown = NONE;
  for (const cmd of pipe.cmds) value = evalCommand(s, dot, cmd, value);
  if (value === null) value = undefined; // a nil interface{} becomes "no value", as in Go
  for (const v of pipe.decl) {
    const name = v.ident[0] ?? "$";
    if (pipe.isAssign) varSlot(s, v, name).value = value;
    else s.vars.push({ name, value });
  }
  return value;
}
