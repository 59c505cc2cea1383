// Parser: tokens → AST, following Go's text/template/parse/parse.go (error wording included).
import type { ArgNode, BranchNode, CommandNode, ListNode, Node, PipeNode, VariableNode } from "./ast.ts";
import { nodeString } from "./ast.ts";
import { lex } from "./lexer.ts";
import type { Token, TokenType } from "./lexer.ts";
import { parseNumber } from "./number-literal.ts";
import { quote, unquote } from "./quote.ts";
import { parseError } from "./template-error.ts";

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

/** Go's item.String(), used in "unexpected … in …" messages. */
function tokenString(t: Token): string {
  if (t.type === "eof") return "EOF";
  if (t.type === "error") return t.val;
  if (t.type === "keyword" || t.type === "dot" || t.type === "nil") return `<${t.val}>`;
  const runes = Array.from(t.val);
  return runes.length > 10 ? quote(runes.slice(0, 10).join("")) + "..." : quote(t.val);
}

/** Parse a template. `hasFunction` decides which identifiers are known functions (checked at parse time, as Go does). */
export function parse(src: string, name: string, hasFunction: (name: string) => boolean): ListNode {
  const tokens = lex(src);
  const last = tokens.length - 1;
  let i = 0;
  let line = 1;
  let actionLine = 0;
  let rangeDepth = 0;
  const vars: string[] = ["$"];

  const peek = (): Token => {
    const t = tokens[Math.min(i, last)] as Token;
    line = t.line;
    return t;
  };
  const next = (): Token => {
    const t = peek();
    if (i < last) i++;
    else i = last + 1;
    return t;
  };
  const backup = (): void => void (i = Math.min(i, last + 1) - 1);
  const nextNonSpace = (): Token => {
    let t = next();
    while (t.type === "space") t = next();
    return t;
  };
  const peekNonSpace = (): Token => {
    const t = nextNonSpace();
    backup();
    return t;
  };
  const fail = (message: string): never => {
    throw parseError(name, line, message);
  };
  const unexpected = (t: Token, context: string): never => {
    if (t.type === "error") {
      let extra = "";
      if (actionLine !== 0 && actionLine !== t.line) {
        extra = ` in action started at ${name}:${actionLine}`;
        if (t.val.endsWith(" action")) extra = extra.slice(" in action".length);
      }
      line = t.line;
      return fail(t.val + extra);
    }
    return fail(`unexpected ${tokenString(t)} in ${context}`);
  };
  const expect = (type: TokenType, context: string): Token => {
    const t = nextNonSpace();
    return t.type === type ? t : unexpected(t, context);
  };

  const term = (): ArgNode | undefined => {
    const t = nextNonSpace();
    switch (t.type) {
      case "identifier":
        if (!hasFunction(t.val)) fail(`function ${quote(t.val)} not defined`);
        return { type: "identifier", pos: t.pos, name: t.val };
      case "dot":
        return { type: "dot", pos: t.pos };
      case "nil":
        return { type: "nil", pos: t.pos };
      case "variable":
        if (!vars.includes(t.val)) fail(`undefined variable ${quote(t.val)}`);
        return { type: "variable", pos: t.pos, ident: [t.val] };
      case "field":
        return { type: "field", pos: t.pos, ident: [t.val.slice(1)] };
      case "bool":
        return { type: "bool", pos: t.pos, value: t.val === "true" };
      case "number":
      case "charConstant":
        try {
          return { type: "number", pos: t.pos, value: parseNumber(t.val, t.type === "charConstant"), text: t.val };
        } catch (e) {
          return fail((e as Error).message);
        }
      case "leftParen":
        return pipeline("parenthesized pipeline", "rightParen");
      case "string":
      case "rawString":
        try {
          return { type: "string", pos: t.pos, value: unquote(t.val), quoted: t.val };
        } catch (e) {
          return fail((e as Error).message);
        }
    }
    backup();
    return undefined;
  };

  const operand = (): ArgNode | undefined => {
    const node = term();
    if (node === undefined || peek().type !== "field") return node;
    const pos = peek().pos;
    const fields: string[] = [];
    while (peek().type === "field") fields.push(next().val.slice(1));
    switch (node.type) {
      case "field":
        return { type: "field", pos, ident: [...node.ident, ...fields] };
      case "variable":
        return { type: "variable", pos, ident: [...node.ident, ...fields] };
      case "bool":
      case "string":
      case "number":
      case "nil":
      case "dot":
        return fail(`unexpected . after term ${quote(nodeString(node))}`);
      default:
        return { type: "chain", pos, node, fields };
    }
  };

  const command = (): CommandNode => {
    const pos = peekNonSpace().pos;
    const args: ArgNode[] = [];
    for (;;) {
      peekNonSpace();
      const op = operand();
      if (op !== undefined) args.push(op);
      const t = next();
      if (t.type === "space") continue;
      if (t.type === "rightDelim" || t.type === "rightParen") backup();
      else if (t.type !== "pipe") unexpected(t, "operand");
      break;
    }
    if (args.length === 0) fail("empty command");
    return { type: "command", pos, args };
  };

  const declarations = (context: string): { decl: VariableNode[]; isAssign: boolean } => {
    const decl: VariableNode[] = [];
    for (;;) {
      const v = peekNonSpace();
      if (v.type !== "variable") break;
      const save = i;
      next();
      const after = peekNonSpace();
      if (after.type === "assign" || after.type === "declare") {
        nextNonSpace();
        decl.push({ type: "variable", pos: v.pos, ident: [v.val] });
        vars.push(v.val);
        return { decl, isAssign: after.type === "assign" };
      }
      if (after.type === "char" && after.val === ",") {
        nextNonSpace();
        decl.push({ type: "variable", pos: v.pos, ident: [v.val] });
        vars.push(v.val);
        if (context === "range" && decl.length < 2) {
          const p = peekNonSpace().type;
          if (p === "variable" || p === "rightDelim" || p === "rightParen") continue;
          fail("range can only initialize variables");
        }
        fail(`too many declarations in ${context}`);
      }
      i = save;
      break;
    }
    return { decl, isAssign: false };
  };

  const pipeline = (context: string, end: TokenType): PipeNode => {
    const pos = peekNonSpace().pos;
    const { decl, isAssign } = declarations(context);
    const cmds: CommandNode[] = [];
    for (;;) {
      const t = nextNonSpace();
      if (t.type === end) break;
      if (!operandStarts.has(t.type)) unexpected(t, context);
      backup();
      cmds.push(command());
    }
    if (cmds.length === 0) fail(`missing value for ${context}`);
    cmds.slice(1).forEach((c, n) => {
      const first = c.args[0]?.type;
      if (first === "bool" || first === "dot" || first === "nil" || first === "number" || first === "string") {
        fail(`non executable command in pipeline stage ${n + 2}`);
      }
    });
    return { type: "pipe", pos, isAssign, decl, cmds };
  };

  const itemList = (): [ListNode, Marker] => {
    const pos = peekNonSpace().pos;
    const nodes: Node[] = [];
    while (peekNonSpace().type !== "eof") {
      const n = textOrAction();
      if (n.type === "end" || n.type === "else") return [{ pos, nodes }, n];
      nodes.push(n);
    }
    return fail("unexpected EOF");
  };

  const control = (context: "if" | "with" | "range"): BranchNode => {
    const depth = vars.length;
    try {
      const pipe = pipeline(context, "rightDelim");
      if (context === "range") rangeDepth++;
      const [list, stop] = itemList();
      if (context === "range") rangeDepth--;
      let elseList: ListNode | undefined;
      if (stop.type === "else") {
        const p = peek();
        if (context !== "range" && p.type === "keyword" && p.val === context) {
          // {{else if …}} is {{else}}{{if …}}…{{end}}{{end}}, sharing the final {{end}}.
          next();
          elseList = { pos: stop.pos, nodes: [{ type: context, ...control(context) }] };
        } else {
          const [otherwise, end] = itemList();
          if (end.type !== "end") fail(`expected end; found {{${end.type}}}`);
          elseList = otherwise;
        }
      }
      return { pos: pipe.pos, pipe, list, elseList };
    } finally {
      vars.length = depth;
    }
  };

  const loopControl = (t: Token): Node => {
    const keyword = t.val as "break" | "continue";
    const end = nextNonSpace();
    if (end.type !== "rightDelim") unexpected(end, `{{${keyword}}}`);
    if (rangeDepth === 0) fail(`{{${keyword}}} outside {{range}}`);
    return { type: keyword, pos: t.pos };
  };

  const action = (): Node | Marker => {
    const t = nextNonSpace();
    if (t.type === "keyword") {
      switch (t.val) {
        case "if":
        case "with":
        case "range":
          return { type: t.val, ...control(t.val) };
        case "else": {
          const p = peekNonSpace();
          if (!(p.type === "keyword" && (p.val === "if" || p.val === "with"))) expect("rightDelim", "else");
          return { type: "else", pos: t.pos };
        }
        case "end":
          expect("rightDelim", "end");
          return { type: "end", pos: t.pos };
        case "break":
        case "continue":
          return loopControl(t);
        default:
          return fail(`{{${t.val}}} is not supported`);
      }
    }
    backup();
    const pos = peek().pos;
    return { type: "action", pos, pipe: pipeline("command", "rightDelim") };
  };

  const textOrAction = (): Node | Marker => {
    const t = nextNonSpace();
    if (t.type === "text") return { type: "text", pos: t.pos, text: t.val };
    if (t.type !== "leftDelim") return unexpected(t, "input");
    actionLine = t.line;
    try {
      return action();
    } finally {
      actionLine = 0;
    }
  };

  const nodes: Node[] = [];
  while (peek().type !== "eof") {
    const n = textOrAction();
    if (n.type === "end" || n.type === "else") fail(`unexpected {{${n.type}}}`);
    else nodes.push(n);
  }
  return { pos: 0, nodes };
}
