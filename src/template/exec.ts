// Executor: walks the tree, writing text and printed values; if/with/range/break/continue as in Go's exec.go.
import type { BranchNode, ListNode, RangeNode, VariableNode } from "./ast.ts";
import { nodeString } from "./ast.ts";
import { evalPipeline, fail, varSlot } from "./eval.ts";
import type { State } from "./eval.ts";
import { formatValue } from "./fmt.ts";
import type { FuncMap } from "./funcs.ts";
import { goTypeName, isTrue, kindOf, listItems, mapEntries } from "./values.ts";

export interface ExecOptions {
  /** "default": a missing map key yields no value (`<no value>`); "error": it fails, like Go's missingkey=error. */
  readonly missingKey?: "default" | "error";
  /** Functions to add or override for this execution (their names must have been known when compiling). */
  readonly funcs?: FuncMap;
}

/** What execute needs of a compiled template. */
export interface ExecTarget {
  readonly name: string;
  readonly source: string;
  readonly tree: ListNode;
  readonly funcs: FuncMap | undefined;
}

const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
type Flow = typeof NORMAL | typeof BREAK | typeof CONTINUE;

/** Execute a compiled template over `data`. `sink.out` holds the output so far, even when execution fails. */
export function execute(t: ExecTarget, data: unknown, options: ExecOptions = {}, sink = { out: "" }): string {
  const s: State = {
    name: t.name,
    source: t.source,
    funcs: [t.funcs, options.funcs],
    missingKeyError: options.missingKey === "error",
    vars: [{ name: "$", value: data === null ? undefined : data }],
    sink,
  };
  walk(s, t.tree, s.vars[0]?.value);
  return sink.out;
}

function walk(s: State, list: ListNode, dot: unknown): Flow {
  for (const n of list.nodes) {
    let flow: Flow = NORMAL;
    switch (n.type) {
      case "text":
        s.sink.out += n.text;
        break;
      case "action": {
        const value = evalPipeline(s, dot, n.pipe);
        if (n.pipe.decl.length > 0) break;
        if (typeof value === "function") fail(s, n, `can't print ${nodeString(n.pipe)} of type ${goTypeName(value)}`);
        s.sink.out += value === undefined ? "<no value>" : formatValue(value);
        break;
      }
      case "if":
      case "with":
        flow = walkBranch(s, n, dot);
        break;
      case "range":
        flow = walkRange(s, n, dot);
        break;
      case "break":
        return BREAK;
      case "continue":
        return CONTINUE;
    }
    if (flow !== NORMAL) return flow;
  }
  return NORMAL;
}

/** Variables declared in a control structure's pipeline or body end with it. */
function scoped<T>(s: State, run: () => T): T {
  const mark = s.vars.length;
  try {
    return run();
  } finally {
    s.vars.length = mark;
  }
}

function walkBranch(s: State, node: BranchNode & { type: "if" | "with" }, dot: unknown): Flow {
  return scoped(s, () => {
    const value = evalPipeline(s, dot, node.pipe);
    if (isTrue(value)) return walk(s, node.list, node.type === "with" ? value : dot);
    return node.elseList === undefined ? NORMAL : walk(s, node.elseList, dot);
  });
}

/** What range iterates over, as [key, element] pairs; maps in sorted key order, integers from 0 to n-1. */
function rangeEntries(s: State, node: RangeNode, value: unknown): Iterable<[unknown, unknown]> {
  switch (kindOf(value)) {
    case "slice":
      return listItems(value as unknown[]).entries();
    case "map":
      return mapEntries(value as object);
    case "int":
      if (node.pipe.decl.length > 1) {
        fail(s, node.pipe, `can't use ${formatValue(value)} to iterate over more than one variable`);
      }
      return Array.from({ length: Math.max(Number(value), 0) }, (_, i): [number, number] => [i, i]);
    case "invalid":
    case "nil":
      return [];
    default:
      return fail(s, node.pipe, `range can't iterate over ${formatValue(value)}`);
  }
}

/** Set the range variables for one iteration: `$e :=` gets the element, `$k, $e :=` the key and element. */
function setRangeVars(s: State, node: RangeNode, top: number, key: unknown, elem: unknown): void {
  const decl = node.pipe.decl;
  if (decl.length === 0) return;
  const slot = (i: number): { value: unknown } => {
    const v = decl[i] as VariableNode;
    return node.pipe.isAssign
      ? varSlot(s, v, v.ident[0] ?? "$")
      : (s.vars[top - decl.length + i] as { value: unknown });
  };
  if (decl.length === 1) slot(0).value = elem;
  else {
    slot(0).value = key;
    slot(1).value = elem;
  }
}

function walkRange(s: State, node: RangeNode, dot: unknown): Flow {
  return scoped(s, () => {
    const entries = rangeEntries(s, node, evalPipeline(s, dot, node.pipe));
    const top = s.vars.length;
    let ran = false;
    for (const [key, elem] of entries) {
      ran = true;
      setRangeVars(s, node, top, key, elem);
      const flow = scoped(s, () => walk(s, node.list, elem));
      if (flow === BREAK) break;
    }
    if (!ran && node.elseList !== undefined) return walk(s, node.elseList, dot);
    return NORMAL;
  });
}
