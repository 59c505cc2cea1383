// A small YAML subset for config files: block maps and sequences, flow [..] and {..}, quoted and plain scalars,
// comments. No anchors, tags, multi-documents or block scalars (| >): JSON works for anything fancier.

interface Line {
  indent: number;
  text: string;
  no: number;
}

export class YamlError extends Error {
  constructor(message: string, line: number) {
    super(`line ${line}: ${message}`);
    this.name = "YamlError";
  }
}

/** Cuts a trailing ` # comment` that is not inside quotes. */
function stripComment(s: string): string {
  let quote = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = "";
      else if (c === "\\" && quote === '"') i++;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || s[i - 1] === " " || s[i - 1] === "\t")) return s.slice(0, i).trimEnd();
  }
  return s.trimEnd();
}

/** Index of the `:` that separates a map key from its value, or -1. */
function keyColon(s: string): number {
  let quote = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = "";
      else if (c === "\\" && quote === '"') i++;
    } else if ((c === '"' || c === "'") && i === 0) quote = c;
    else if (c === "[" || c === "{") return -1;
    else if (c === ":" && (i + 1 === s.length || s[i + 1] === " ")) return i;
  }
  return -1;
}

function unquote(s: string, no: number): string {
  if (s.startsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      throw new YamlError(`bad double-quoted string ${s}`, no);
    }
  }
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2) throw new YamlError(`bad single-quoted string ${s}`, no);
    return s.slice(1, -1).replace(/''/g, "'");
  }
  return s;
}

function splitFlow(body: string, no: number): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = "";
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      if (c === quote) quote = "";
      else if (c === "\\" && quote === '"') i++;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      parts.push(body.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (quote || depth !== 0) throw new YamlError("unbalanced flow collection", no);
  const last = body.slice(start).trim();
  if (last !== "" || parts.length > 0) parts.push(last);
  return parts.filter((p) => p !== "");
}

function scalar(raw: string, no: number): unknown {
  const s = raw.trim();
  if (s === "" || s === "~" || s === "null") return null;
  if (s === "true") return true;
  if (s === "false") return false;
  if (s.startsWith("[")) {
    if (!s.endsWith("]")) throw new YamlError("unterminated [", no);
    return splitFlow(s.slice(1, -1), no).map((p) => scalar(p, no));
  }
  if (s.startsWith("{")) {
    if (!s.endsWith("}")) throw new YamlError("unterminated {", no);
    const out: Record<string, unknown> = {};
    for (const p of splitFlow(s.slice(1, -1), no)) {
      const i = keyColon(p);
      if (i < 0) throw new YamlError(`expected key: value in ${p}`, no);
      out[unquote(p.slice(0, i).trim(), no)] = scalar(p.slice(i + 1), no);
    }
    return out;
  }
  if (s.startsWith('"') || s.startsWith("'")) return unquote(s, no);
  if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) return Number(s);
  return s;
}

function isSeqItem(text: string): boolean {
  return text === "-" || text.startsWith("- ");
}

function parseBlock(lines: Line[], i: number, indent: number): [unknown, number] {
  const line = lines[i];
  if (!line) return [null, i];
  return isSeqItem(line.text) ? parseSeq(lines, i, indent) : parseMap(lines, i, indent);
}

function parseSeq(lines: Line[], i: number, indent: number): [unknown[], number] {
  const out: unknown[] = [];
  while (i < lines.length) {
    const line = lines[i] as Line;
    if (line.indent !== indent || !isSeqItem(line.text)) break;
    const rest = line.text.slice(1).trimStart();
    if (rest === "") {
      const next = lines[i + 1];
      if (next && next.indent > indent) {
        const [v, j] = parseBlock(lines, i + 1, next.indent);
        out.push(v);
        i = j;
      } else {
        out.push(null);
        i++;
      }
    } else if (keyColon(rest) >= 0 || isSeqItem(rest)) {
      // "- key: value" opens a map whose lines sit at the column of "key".
      const column = indent + (line.text.length - rest.length);
      lines[i] = { indent: column, text: rest, no: line.no };
      const [v, j] = parseBlock(lines, i, column);
      out.push(v);
      i = j;
    } else {
      out.push(scalar(rest, line.no));
      i++;
    }
  }
  return [out, i];
}

function parseMap(lines: Line[], i: number, indent: number): [Record<string, unknown>, number] {
  const out: Record<string, unknown> = {};
  while (i < lines.length) {
    const line = lines[i] as Line;
    if (line.indent < indent) break;
    if (line.indent > indent) throw new YamlError("unexpected indentation", line.no);
    if (isSeqItem(line.text)) break;
    const c = keyColon(line.text);
    if (c < 0) throw new YamlError(`expected "key: value", got ${JSON.stringify(line.text)}`, line.no);
    const key = unquote(line.text.slice(0, c).trim(), line.no);
    const rest = line.text.slice(c + 1).trim();
    i++;
    if (rest !== "") {
      out[key] = scalar(rest, line.no);
      continue;
    }
    const next = lines[i];
    if (next && (next.indent > indent || (next.indent === indent && isSeqItem(next.text)))) {
      const [v, j] = parseBlock(lines, i, next.indent);
      out[key] = v;
      i = j;
    } else {
      out[key] = null;
    }
  }
  return [out, i];
}

export function parseYaml(text: string): unknown {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, n) => {
    if (raw.includes("\t") && /^\s*\t/.test(raw)) throw new YamlError("tabs are not allowed for indentation", n + 1);
    const body = stripComment(raw);
    if (body.trim() === "" || body.trim() === "---") return;
    const indent = body.length - body.trimStart().length;
    lines.push({ indent, text: body.trim(), no: n + 1 });
  });
  if (lines.length === 0) return null;
  const first = lines[0] as Line;
  if (!isSeqItem(first.text) && keyColon(first.text) < 0 && lines.length === 1) return scalar(first.text, first.no);
  const [v, i] = parseBlock(lines, 0, first.indent);
  const stray = lines[i];
  if (stray) throw new YamlError("unexpected content", stray.no);
  return v;
}
