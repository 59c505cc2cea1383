// The parse tree of a template, shaped like Go's text/template/parse nodes.
// `pos` is a UTF-16 offset into the template source (converted to Go's byte columns only for error messages).

export type Node = TextNode | ActionNode | IfNode | WithNode | RangeNode | BreakNode | ContinueNode;

export interface ListNode {
  readonly pos: number;
  readonly nodes: readonly Node[];
}

export interface TextNode {
  readonly type: "text";
  readonly pos: number;
  readonly text: string;
}

/** `{{pipeline}}`: prints the pipeline's value unless it declares variables. */
export interface ActionNode {
  readonly type: "action";
  readonly pos: number;
  readonly pipe: PipeNode;
}

/** `{{if}}`, `{{with}}` and `{{range}}` share one shape. */
export interface BranchNode {
  readonly pos: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | undefined;
}
export interface IfNode extends BranchNode {
  readonly type: "if";
}
export interface WithNode extends BranchNode {
  readonly type: "with";
}
export interface RangeNode extends BranchNode {
  readonly type: "range";
}

export interface BreakNode {
  readonly type: "break";
  readonly pos: number;
}
export interface ContinueNode {
  readonly type: "continue";
  readonly pos: number;
}

/** `$x := a | b c`: commands joined by `|`, optionally declaring (`:=`) or assigning (`=`) variables. */
export interface PipeNode {
  readonly type: "pipe";
  readonly pos: number;
  readonly isAssign: boolean;
  readonly decl: readonly VariableNode[];
  readonly cmds: readonly CommandNode[];
}

/** One stage of a pipeline: an operand followed by its arguments. */
export interface CommandNode {
  readonly type: "command";
  readonly pos: number;
  readonly args: readonly ArgNode[];
}

export type ArgNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

/** `.A.B` */
export interface FieldNode {
  readonly type: "field";
  readonly pos: number;
  readonly ident: readonly string[];
}

/** `$x.A.B`: ident[0] is the variable name including `$`. */
export interface VariableNode {
  readonly type: "variable";
  readonly pos: number;
  readonly ident: readonly string[];
}

/** `(pipeline).A.B` */
export interface ChainNode {
  readonly type: "chain";
  readonly pos: number;
  readonly node: ArgNode;
  readonly fields: readonly string[];
}

/** A function name. */
export interface IdentifierNode {
  readonly type: "identifier";
  readonly pos: number;
  readonly name: string;
}

export interface DotNode {
  readonly type: "dot";
  readonly pos: number;
}
export interface NilNode {
  readonly type: "nil";
  readonly pos: number;
}
export interface BoolNode {
  readonly type: "bool";
  readonly pos: number;
  readonly value: boolean;
}
export interface NumberNode {
  readonly type: "number";
  readonly pos: number;
  readonly value: number;
  readonly text: string;
}
export interface StringNode {
  readonly type: "string";
  readonly pos: number;
  readonly value: string;
  /** The literal as written, quotes included. */
  readonly quoted: string;
}

/** Go's Node.String(): the source-like text shown in `executing "" at <…>`. */
export function nodeString(n: ArgNode | CommandNode | Node): string {
  switch (n.type) {
    case "field":
      return "." + n.ident.join(".");
    case "variable":
      return n.ident.join(".");
    case "chain":
      return `${n.node.type === "pipe" ? `(${nodeString(n.node)})` : nodeString(n.node)}.${n.fields.join(".")}`;
    case "identifier":
      return n.name;
    case "dot":
      return ".";
    case "nil":
      return "nil";
    case "bool":
      return String(n.value);
    case "number":
      return n.text;
    case "string":
      return n.quoted;
    case "pipe": {
      const decl = n.decl.length > 0 ? `${n.decl.map(nodeString).join(", ")} ${n.isAssign ? "=" : ":="} ` : "";
      return decl + n.cmds.map(nodeString).join(" | ");
    }
    case "command":
      return n.args.map((a) => (a.type === "pipe" ? `(${nodeString(a)})` : nodeString(a))).join(" ");
    case "text":
      return n.text;
    case "action":
      return `{{${nodeString(n.pipe)}}}`;
    case "if":
    case "with":
    case "range": {
      const list = (l: ListNode): string => l.nodes.map(nodeString).join("");
      const otherwise = n.elseList === undefined ? "" : `{{else}}${list(n.elseList)}`;
      return `{{${n.type} ${nodeString(n.pipe)}}}${list(n.list)}${otherwise}{{end}}`;
    }
    case "break":
    case "continue":
      return `{{${n.type}}}`;
  }
}
