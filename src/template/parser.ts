// Parser: tokens → AST, following Go's text/template/parse/parse.go (error wording included).
import type { ArgNode, BranchNode, CommandNode, ListNode, Node, PipeNode, VariableNode } from "./ast.ts";
import { nodeString } from "./ast.ts";
import { lex } from "./lexer.ts";
import type { Token, TokenType } from "./lexer.ts";
import { parseNumber } from "./number-literal.ts";
import { quote, unquote } from "./quote.ts";
import { backup, expect, fail, next, nextNonSpace, peek, peekNonSpace, stream, unexpected } from "./token-stream.ts";
import type { Stream } from "./token-stream.ts";

interface Parser extends Stream {
  readonly hasFunction: (name: string) => boolean;
  /** Variables in scope, innermost last. */
  readonly vars: string[];
  rangeDepth: number;
}

/** {{end}} and {{else}} end an item list; they are not nodes of the tree. */
type Marker = { readonly type: "end"; readonly pos: number } | { readonly type: "else"; readonly pos: number };

const operandStarts = new Set<TokenType>([
  "bool",
  "charConstant",
  "dot",
  "field",
  "identifier",
  "number",
  "nil",
  "rawString",
  "string",
  "variable",
  "leftParen",
]);

/** Parse a template. `hasFunction` says which identifiers are functions: Go checks this at parse time. */
export function parse(src: string, name: string, hasFunction: (name: string) => boolean): ListNode {
  const p: Parser = { ...stream(name, lex(src)), hasFunction, vars: ["$"], rangeDepth: 0 };
  const nodes: Node[] = [];
  while (peek(p).type !== "eof") {
    const n = textOrAction(p);
    if (n.type === "end" || n.type === "else") fail(p, `unexpected {{${n.type}}}`);
    else nodes.push(n);
  }
  return { pos: 0, nodes };
}

function literal<T>(p: Parser, read: () => T): T {
  try {
    return read();
  } catch (e) {
    return fail(p, (e as Error).message);
  }
}

function term(p: Parser): ArgNode | undefined {
  const t = nextNonSpace(p);
  switch (t.type) {
    case "identifier":
      if (!p.hasFunction(t.val)) fail(p, `function ${quote(t.val)} not defined`);
      return { type: "identifier", pos: t.pos, name: t.val };
    case "dot":
    case "nil":
      return { type: t.type, pos: t.pos };
    case "variable":
      if (!p.vars.includes(t.val)) fail(p, `undefined variable ${quote(t.val)}`);
      return { type: "variable", pos: t.pos, ident: [t.val] };
    case "field":
      return { type: "field", pos: t.pos, ident: [t.val.slice(1)] };
    case "bool":
      return { type: "bool", pos: t.pos, value: t.val === "true" };
    case "number":
    case "charConstant":
      return literal(p, () => ({
        type: "number",
        pos: t.pos,
        value: parseNumber(t.val, t.type !== "number"),
        text: t.val,
      }));
    case "leftParen":
      return pipeline(p, "parenthesized pipeline", "rightParen");
    case "string":
    case "rawString":
      return literal(p, () => ({ type: "string", pos: t.pos, value: unquote(t.val), quoted: t.val }));
  }
  backup(p);
  return undefined;
}

/** A term, possibly followed by .Field.Field… The result's position is that of the first trailing field. */
function operand(p: Parser): ArgNode | undefined {
  const node = term(p);
  if (node === undefined || peek(p).type !== "field") return node;
  const pos = peek(p).pos;
  const fields: string[] = [];
  while (peek(p).type === "field") fields.push(next(p).val.slice(1));
  switch (node.type) {
    case "field":
    case "variable":
      return { type: node.type, pos, ident: [...node.ident, ...fields] };
    case "bool":
    case "string":
    case "number":
    case "nil":
    case "dot":
      return fail(p, `unexpected . after term ${quote(nodeString(node))}`);
    default:
      return { type: "chain", pos, node, fields };
  }
}

function command(p: Parser): CommandNode {
  const pos = peekNonSpace(p).pos;
  const args: ArgNode[] = [];
  for (;;) {
    peekNonSpace(p);
    const op = operand(p);
    if (op !== undefined) args.push(op);
    const t = next(p);
    if (t.type === "space") continue;
    if (t.type === "rightDelim" || t.type === "rightParen") backup(p);
    else if (t.type !== "pipe") unexpected(p, t, "operand");
    break;
  }
  if (args.length === 0) fail(p, "empty command");
  return { type: "command", pos, args };
}

/** `$x :=`, `$x =`, or in a range `$i, $e :=`; anything else is left for the commands. */
function declarations(p: Parser, context: string): { decl: VariableNode[]; isAssign: boolean } {
  const decl: VariableNode[] = [];
  for (;;) {
    const v = peekNonSpace(p);
    if (v.type !== "variable") break;
    const save = p.i;
    next(p);
    const after = peekNonSpace(p);
    const isComma = after.type === "char" && after.val === ",";
    if (after.type !== "assign" && after.type !== "declare" && !isComma) {
      p.i = save;
      break;
    }
    nextNonSpace(p);
    decl.push({ type: "variable", pos: v.pos, ident: [v.val] });
    p.vars.push(v.val);
    if (!isComma) return { decl, isAssign: after.type === "assign" };
    if (context === "range" && decl.length < 2) {
      const t = peekNonSpace(p).type;
      if (t === "variable" || t === "rightDelim" || t === "rightParen") continue;
      fail(p, "range can only initialize variables");
    }
    fail(p, `too many declarations in ${context}`);
  }
  return { decl, isAssign: false };
}

function pipeline(p: Parser, context: string, end: TokenType): PipeNode {
  const pos = peekNonSpace(p).pos;
  const { decl, isAssign } = declarations(p, context);
  const cmds: CommandNode[] = [];
  for (let t = nextNonSpace(p); t.type !== end; t = nextNonSpace(p)) {
    if (!operandStarts.has(t.type)) unexpected(p, t, context);
    backup(p);
    cmds.push(command(p));
  }
  if (cmds.length === 0) fail(p, `missing value for ${context}`);
  cmds.slice(1).forEach((c, n) => {
    const first = c.args[0]?.type;
    if (first === "bool" || first === "dot" || first === "nil" || first === "number" || first === "string") {
      fail(p, `non executable command in pipeline stage ${n + 2}`);
    }
  });
  return { type: "pipe", pos, isAssign, decl, cmds };
}

function itemList(p: Parser): [ListNode, Marker] {
  const pos = peekNonSpace(p).pos;
  const nodes: Node[] = [];
  while (peekNonSpace(p).type !== "eof") {
    const n = textOrAction(p);
    if (n.type === "end" || n.type === "else") return [{ pos, nodes }, n];
    nodes.push(n);
  }
  return fail(p, "unexpected EOF");
}

/** if/with/range: pipeline, body, optional else (`{{else if …}}` nests an if sharing the final {{end}}). */
function control(p: Parser, context: "if" | "with" | "range"): BranchNode {
  const depth = p.vars.length;
  try {
    const pipe = pipeline(p, context, "rightDelim");
    if (context === "range") p.rangeDepth++;
    const [list, stop] = itemList(p);
    if (context === "range") p.rangeDepth--;
    if (stop.type === "end") return { pos: pipe.pos, pipe, list, elseList: undefined };
    const t = peek(p);
    if (context !== "range" && t.type === "keyword" && t.val === context) {
      next(p);
      const nested: Node = { type: context, ...control(p, context) };
      return { pos: pipe.pos, pipe, list, elseList: { pos: stop.pos, nodes: [nested] } };
    }
    const [elseList, end] = itemList(p);
    if (end.type !== "end") fail(p, `expected end; found {{${end.type}}}`);
    return { pos: pipe.pos, pipe, list, elseList };
  } finally {
    p.vars.length = depth;
  }
}

function loopControl(p: Parser, t: Token): Node {
  const keyword = t.val as "break" | "continue";
  const end = nextNonSpace(p);
  if (end.type !== "rightDelim") unexpected(p, end, `{{${keyword}}}`);
  if (p.rangeDepth === 0) fail(p, `{{${keyword}}} outside {{range}}`);
  return { type: keyword, pos: t.pos };
}

function action(p: Parser): Node | Marker {
  const t = nextNonSpace(p);
  if (t.type !== "keyword") {
    backup(p);
    return { type: "action", pos: t.pos, pipe: pipeline(p, "command", "rightDelim") };
  }
  switch (t.val) {
    case "if":
    case "with":
    case "range":
      return { type: t.val, ...control(p, t.val) };
    case "else": {
      const n = peekNonSpace(p);
      if (!(n.type === "keyword" && (n.val === "if" || n.val === "with"))) expect(p, "rightDelim", "else");
      return { type: "else", pos: t.pos };
    }
    case "end":
      expect(p, "rightDelim", "end");
      return { type: "end", pos: t.pos };
    case "break":
    case "continue":
      return loopControl(p, t);
    default:
      return fail(p, `{{${t.val}}} is not supported`);
  }
}

function textOrAction(p: Parser): Node | Marker {
  const t = nextNonSpace(p);
  if (t.type === "text") return { type: "text", pos: t.pos, text: t.val };
  if (t.type !== "leftDelim") return unexpected(p, t, "input");
  p.actionLine = t.line;
  try {
    return action(p);
  } finally {
    p.actionLine = 0;
  }
}
