// Dockerfile text → AST: one node per instruction with its line range (BuildKit's frontend/dockerfile/parser).
// Handles parser directives, comments, line continuations, empty continuation lines, heredocs, and
// the argument rules of each instruction. Pure: no I/O.
import { DirectiveParser, type Directive } from "./directives.ts";
import { DockerfileError } from "./errors.ts";
import { goQuote, trimLeftSpace, trimSpace } from "./go-text.ts";
import { heredocError, heredocsFromLine, type Heredoc } from "./heredoc.ts";
import {
  LineSyntaxError,
  parseHealthConfig,
  parseMaybeJSON,
  parseMaybeJSONToList,
  parseNameOrNameValue,
  parseNameValue,
  parseString,
  parseWhitespaceDelimited,
  splitCommand,
  type LineArgs,
} from "./line-parsers.ts";
import type { EscapeToken } from "./shell-lex.ts";

/** One instruction of the AST. */
export interface Node {
  /** The keyword as written (`RUN`, `run`, ...). */
  readonly keyword: string;
  /** The keyword in lower case. */
  readonly name: string;
  /** `--flag=value` words as written after quote removal. */
  readonly flags: readonly string[];
  /**
   * The arguments, by the rules of the instruction: ENV and LABEL give triples key, value, separator
   * (`=`, or `""` for the legacy `ENV k v` form); ONBUILD gives none and sets `sub` instead.
   */
  readonly args: readonly string[];
  /** ONBUILD's wrapped instruction. */
  readonly sub?: Node;
  /** The arguments came from a JSON array (exec form). */
  readonly json: boolean;
  readonly heredocs: readonly Heredoc[];
  /** The logical line (continuations joined) the node was parsed from. */
  readonly original: string;
  /** First and last physical line (1-based), including skipped comment lines and heredoc bodies. */
  readonly startLine: number;
  readonly endLine: number;
  /** Comment lines right before the instruction, without `#`. */
  readonly comments: readonly string[];
}

export interface Warning {
  short: string;
  detail: string[];
  url: string;
  startLine: number;
  endLine: number;
}

export interface ParseResult {
  instructions: Node[];
  escapeToken: EscapeToken;
  directives: Directive[];
  warnings: Warning[];
  /** Line range of all instructions. */
  startLine: number;
  endLine: number;
}

/** The longest physical line bufio.Scanner accepts. */
const maxLineBytes = 65535;

type LineParser = (rest: string, escapeToken: EscapeToken) => LineArgs;

const lineParsers: Record<string, LineParser> = {
  add: parseMaybeJSONToList,
  arg: parseNameOrNameValue,
  cmd: parseMaybeJSON,
  copy: parseMaybeJSONToList,
  entrypoint: parseMaybeJSON,
  env: (rest, esc) => parseNameValue(rest, esc, "ENV"),
  expose: parseWhitespaceDelimited,
  from: parseWhitespaceDelimited,
  healthcheck: parseHealthConfig,
  label: (rest, esc) => parseNameValue(rest, esc, "LABEL"),
  maintainer: parseString,
  run: parseMaybeJSON,
  shell: parseMaybeJSON,
  stopsignal: parseString,
  user: parseString,
  volume: parseMaybeJSONToList,
  workdir: parseString,
};

const heredocInstructions = new Set(["add", "copy", "run"]);

interface NodeShape {
  keyword: string;
  name: string;
  flags: string[];
  args: string[];
  json: boolean;
  original: string;
  sub?: NodeShape;
}

/** Split and dispatch one logical line (throws LineSyntaxError). */
function nodeFromLine(line: string, escapeToken: EscapeToken): NodeShape {
  const { keyword, flags, rest } = splitCommand(line);
  const name = keyword.toLowerCase();
  const shape = { keyword, name, flags, args: [] as string[], json: false, original: line };
  if (name === "onbuild") return rest === "" ? shape : { ...shape, sub: nodeFromLine(rest, escapeToken) };
  const parser = lineParsers[name];
  // an unknown instruction keeps one empty argument; instructions.ts reports it
  const { args, json } = parser === undefined ? { args: [""], json: false } : parser(rest, escapeToken);
  return { ...shape, args, json };
}

/** A node from its shape; an ONBUILD's wrapped instruction shares its lines, heredocs stay on the ONBUILD. */
function toNode(
  shape: NodeShape,
  lines: Pick<Node, "startLine" | "endLine">,
  extra: Pick<Node, "heredocs" | "comments">,
): Node {
  const { sub, ...rest } = shape;
  const wrapped = sub === undefined ? {} : { sub: toNode(sub, lines, { heredocs: [], comments: [] }) };
  return { ...rest, ...wrapped, ...lines, ...extra };
}

function canContainHeredoc(node: NodeShape): boolean {
  const target = node.name === "onbuild" && node.sub !== undefined ? node.sub : node;
  return heredocInstructions.has(target.name) && !target.json;
}

/** Physical lines with their terminators, refusing (like bufio.Scanner) a line over 64 KiB. */
class LineReader {
  private readonly lines: string[];
  private index = 0;
  tooLong = false;

  constructor(text: string) {
    const parts = text.split("\n");
    this.lines = parts.map((p, i) => (i < parts.length - 1 ? p + "\n" : p));
    if (this.lines.at(-1) === "") this.lines.pop();
  }

  next(): string | undefined {
    const line = this.lines[this.index];
    if (line === undefined || this.tooLong) return undefined;
    if (line.length > maxLineBytes / 3 && Buffer.byteLength(line.replace(/\n$/, ""), "utf8") > maxLineBytes) {
      this.tooLong = true;
      return undefined;
    }
    this.index++;
    return line;
  }
}

function trimNewline(line: string): string {
  return line.replace(/[\r\n]+$/, "");
}

function isComment(raw: string): boolean {
  return trimLeftSpace(trimNewline(raw)).startsWith("#");
}

/** An escape token at the end of a line, not itself escaped, or alone on the line: a continuation. */
const continuation: Record<EscapeToken, RegExp> = {
  "\\": /([^\\])\\[ \t]*$|^\\[ \t]*$/,
  "`": /([^`])`[ \t]*$|^`[ \t]*$/,
};

/** Parse a Dockerfile. Throws DockerfileError with the line range of the offending instruction. */
export function parse(input: string | Uint8Array): ParseResult {
  let text = typeof input === "string" ? input : new TextDecoder().decode(input);
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  return new Parser(text).run();
}

class Parser {
  private readonly reader: LineReader;
  private readonly directives = new DirectiveParser();
  private readonly instructions: Node[] = [];
  private readonly warnings: Warning[] = [];
  private lineNo = 0;

  constructor(text: string) {
    this.reader = new LineReader(text);
  }

  /** Newline and (for the first line of an instruction) leading blanks removed; comments emptied. */
  private processLine(raw: string, stripLeft: boolean): string {
    let token = trimNewline(raw);
    if (stripLeft) token = trimLeftSpace(token);
    this.directives.parseLine(token, this.lineNo + 1);
    return token.startsWith("#") ? "" : token;
  }

  private trimContinuation(line: string): [string, boolean] {
    const re = continuation[this.directives.escapeToken];
    return re.test(line) ? [line.replace(re, "$1"), false] : [line, true];
  }

  run(): ParseResult {
    let comments: string[] = [];
    for (let raw = this.reader.next(); raw !== undefined; raw = this.reader.next()) {
      if (isComment(raw)) {
        const comment = trimSpace(trimLeftSpace(trimNewline(raw)).slice(1));
        comments = comment === "" ? [] : [...comments, comment];
      }
      const first = this.processLine(raw, true);
      this.lineNo++;
      const startLine = this.lineNo;
      const [line, endOfLine] = this.trimContinuation(first);
      if (endOfLine && line === "") continue;
      const logical = endOfLine ? line : this.continueLine(line, startLine);
      this.instructions.push(this.node(logical, startLine, comments));
      comments = [];
    }
    const firstNode = this.instructions[0];
    const lastNode = this.instructions.at(-1);
    if (firstNode === undefined || lastNode === undefined) {
      throw new DockerfileError("file with no instructions", { line: Math.max(1, this.lineNo) });
    }
    if (this.reader.tooLong) {
      throw new DockerfileError(`dockerfile line greater than max allowed size of ${maxLineBytes}`, {
        line: this.lineNo + 1,
      });
    }
    return {
      instructions: this.instructions,
      escapeToken: this.directives.escapeToken,
      directives: this.directives.directives,
      warnings: this.warnings,
      startLine: firstNode.startLine,
      endLine: lastNode.endLine,
    };
  }

  /**
   * Append continuation lines (no separator, their leading blanks kept) until one does not end in the
   * escape token; comment lines are skipped, and so are empty lines, with a warning.
   */
  private continueLine(line: string, startLine: number): string {
    let emptyContinuation = false;
    for (let raw = this.reader.next(); raw !== undefined; raw = this.reader.next()) {
      const processed = this.processLine(raw, false);
      this.lineNo++;
      if (isComment(raw)) continue;
      if (trimLeftSpace(processed) === "") {
        emptyContinuation = true;
        continue;
      }
      const [part, endOfLine] = this.trimContinuation(processed);
      line += part;
      if (endOfLine) break;
    }
    if (emptyContinuation) this.warnEmptyContinuation(line, startLine);
    return line;
  }

  private node(line: string, startLine: number, comments: string[]): Node {
    let shape: NodeShape;
    try {
      shape = nodeFromLine(line, this.directives.escapeToken);
    } catch (e) {
      if (!(e instanceof LineSyntaxError)) throw e;
      throw new DockerfileError(e.message, { line: startLine, endLine: this.lineNo });
    }
    const heredocs = canContainHeredoc(shape) ? this.readHeredocs(line, startLine) : [];
    return toNode(shape, { startLine, endLine: this.lineNo }, { heredocs, comments });
  }

  private readHeredocs(line: string, startLine: number): Heredoc[] {
    let docs;
    try {
      docs = heredocsFromLine(line);
    } catch (e) {
      throw heredocError(e, startLine, this.lineNo);
    }
    return docs.map((doc) => {
      let content = "";
      for (let raw = this.reader.next(); raw !== undefined; raw = this.reader.next()) {
        this.lineNo++;
        let candidate = trimNewline(raw);
        if (doc.chomp) candidate = candidate.replace(/^\t+/, "");
        if (candidate === doc.name) return { ...doc, content };
        content += raw;
      }
      throw new DockerfileError("unterminated heredoc", { line: startLine, endLine: this.lineNo });
    });
  }

  private warnEmptyContinuation(line: string, startLine: number): void {
    this.warnings.push({
      short: `Empty continuation line found in: ${line}`,
      detail: ["Empty continuation lines will become errors in a future release"],
      url: "https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/",
      startLine,
      endLine: this.lineNo,
    });
  }
}

/** BuildKit's AST dump of one instruction: `run "echo hi"`, `copy ["--from=a"] "x" "/y"`, `onbuild (run "a")`. */
export function dumpNode(node: Node): string {
  let out = node.name;
  if (node.flags.length > 0) out += ` [${node.flags.map(goQuote).join(" ")}]`;
  if (node.sub !== undefined) out += ` (${dumpNode(node.sub)})`;
  for (const arg of node.args) out += ` ${goQuote(arg)}`;
  return trimSpace(out);
}

/** The dump of a whole parse: one `(instruction)` per line, as in BuildKit's testfiles/<case>/result. */
export function dump(result: Pick<ParseResult, "instructions">): string {
  return result.instructions.map((n) => `(${dumpNode(n)})`).join("\n");
}
