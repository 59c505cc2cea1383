// Parser directives (`# syntax=`, `# escape=`, `# check=`): read only from the comment lines at the very top.
import { DockerfileError } from "./errors.ts";
import { trimLeftSpace } from "./go-text.ts";
import type { EscapeToken } from "./shell-lex.ts";

export interface Directive {
  /** Lower-case name: `syntax`, `escape` or `check`. */
  name: string;
  value: string;
  line: number;
}

const known = new Set(["syntax", "escape", "check"]);
const directivePattern = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*([^\n]+?)[\t\n\f\r ]*$/;

/** The directive state of one parse: the first line that is not a known directive ends the header. */
export class DirectiveParser {
  escapeToken: EscapeToken = "\\";
  readonly directives: Directive[] = [];
  private done = false;

  /** Look at a line (newline and leading blanks removed); throws on a repeated or invalid directive. */
  parseLine(line: string, lineNumber: number): void {
    if (this.done) return;
    const match = line.startsWith("#") ? directivePattern.exec(trimLeftSpace(line.slice(1))) : null;
    const name = match?.[1]?.toLowerCase();
    if (match === null || name === undefined || !known.has(name)) {
      this.done = true;
      return;
    }
    if (this.directives.some((d) => d.name === name)) {
      throw new DockerfileError(`only one ${name} parser directive can be used`, { line: lineNumber });
    }
    const value = match[2] ?? "";
    if (name === "escape") {
      if (value !== "`" && value !== "\\") {
        throw new DockerfileError(`invalid escape token '${value}' does not match \` or \\`, { line: lineNumber });
      }
      this.escapeToken = value;
    }
    this.directives.push({ name, value, line: lineNumber });
  }
}
