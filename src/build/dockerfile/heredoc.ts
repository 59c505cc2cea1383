// Heredocs (`RUN <<EOF`, `COPY <<-'X' <<Y /dest`): finding them in an instruction line and naming them.
import { DockerfileError } from "./errors.ts";
import { processWords } from "./shell-lex.ts";

export interface Heredoc {
  /** The terminator, after quote removal. */
  name: string;
  /** The `3` of `3<<EOF`; 0 when absent. */
  fileDescriptor: number;
  /** False when any part of the name was quoted: the body is then not expanded. */
  expand: boolean;
  /** `<<-`: leading tabs are stripped (from the terminator line when reading, from the body on use). */
  chomp: boolean;
  /** The body: every line with its own line ending, tabs kept. */
  content: string;
}

const heredocWord = /^([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)$/;

/** Thrown when a heredoc name cannot be lexed; the parser adds the line range. */
export class HeredocSyntaxError extends Error {}

/** Parse one shell word (`<<EOF`, `3<<-"EOF"`); undefined when the word is not a heredoc. */
export function parseHeredocWord(word: string): Omit<Heredoc, "content"> | undefined {
  const m = heredocWord.exec(word);
  if (m === null) return undefined;
  const rest = m[3] ?? "";
  if (rest === "") return undefined;
  const fd = m[1] === "" ? 0 : Number.parseInt(m[1] ?? "0", 10);
  let words: string[];
  let raw: string[];
  try {
    words = processWords(rest, [], { skipUnsetEnv: true });
    if (words.length !== 1) return undefined; // not a single word, e.g. `<<EOF sh`
    raw = processWords(rest, [], { skipUnsetEnv: true, rawQuotes: true });
  } catch (e) {
    throw new HeredocSyntaxError((e as Error).message, { cause: e });
  }
  if (raw.length !== 1)
    throw new HeredocSyntaxError(`internal lexing of heredoc produced inconsistent results: ${rest}`);
  const name = words[0] ?? "";
  // the name was quoted somewhere when quote removal removed quote characters
  const expand = countQuotes(name) === countQuotes(raw[0] ?? "");
  return { name, fileDescriptor: Number.isSafeInteger(fd) ? fd : 0, expand, chomp: m[2] === "-" };
}

function countQuotes(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === "'" || ch === '"') n++;
  return n;
}

/** The heredocs an instruction line opens, in order. */
export function heredocsFromLine(line: string): Omit<Heredoc, "content">[] {
  let words: string[];
  try {
    words = processWords(line, [], {
      rawQuotes: true,
      rawEscapes: true,
      skipUnsetEnv: true,
      glueHeredocOperators: true,
    });
  } catch {
    return []; // BuildKit ignores a line its lexer rejects: there are no heredocs in it
  }
  const docs: Omit<Heredoc, "content">[] = [];
  for (const word of words) {
    const doc = parseHeredocWord(word);
    if (doc !== undefined) docs.push(doc);
  }
  return docs;
}

/** Remove the leading tabs of every line (the `<<-` form). */
export function chompHeredocContent(content: string): string {
  return content
    .split("\n")
    .map((line) => line.replace(/^\t+/, ""))
    .join("\n");
}

/** Wrap a heredoc naming error with its line range. */
export function heredocError(e: unknown, line: number, endLine: number): unknown {
  return e instanceof HeredocSyntaxError ? new DockerfileError(e.message, { line, endLine, cause: e.cause }) : e;
}
