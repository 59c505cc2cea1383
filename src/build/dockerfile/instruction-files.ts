// ADD and COPY: sources (paths and heredoc contents), destination and flags.
import { chompHeredocContent, parseHeredocWord, type Heredoc } from "./heredoc.ts";
import { InstructionSyntaxError, type Request } from "./instruction-request.ts";
import type { Instruction, SourceContent } from "./instruction-types.ts";

function heredocWord(word: string): Omit<Heredoc, "content"> | undefined {
  try {
    return parseHeredocWord(word);
  } catch {
    return undefined; // like BuildKit's MustParseHeredoc: a word that does not lex is a path
  }
}

/** `COPY <<  EOF /dest` splits into `<<` and `EOF`: join them back (the parser found the heredoc). */
function joinHeredocOperators(args: readonly string[], json: boolean): string[] {
  if (json) return [...args];
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const next = args[i + 1];
    if (/^[0-9]*<<-?$/.test(arg) && next !== undefined && i + 1 < args.length - 1) {
      out.push(`${arg} ${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

interface Sources {
  sources: string[];
  sourceContents: SourceContent[];
  dest: string;
}

function sourcesAndDest(req: Request, command: string): Sources {
  const args = joinHeredocOperators(req.args, req.node.json);
  const dest = args.at(-1) ?? "";
  if (heredocWord(dest) !== undefined) {
    throw new InstructionSyntaxError(`${command} cannot accept a heredoc as a destination`);
  }
  const bodies = new Map(req.node.heredocs.map((doc) => [doc.name, doc]));
  const sources: string[] = [];
  const sourceContents: SourceContent[] = [];
  for (const src of args.slice(0, -1)) {
    const doc = heredocWord(src);
    if (doc === undefined) {
      sources.push(src);
      continue;
    }
    const content = bodies.get(doc.name)?.content ?? "";
    sourceContents.push({
      path: doc.name,
      data: doc.chomp ? chompHeredocContent(content) : content,
      expand: doc.expand,
    });
  }
  return { sources, sourceContents, dest };
}

function requireDestination(req: Request, command: string): void {
  if (req.args.length < 2) {
    throw new InstructionSyntaxError(
      `${command} requires at least two arguments, but only one was provided. Destination could not be determined`,
    );
  }
}

export function parseAdd(req: Request): Instruction {
  requireDestination(req, "ADD");
  const flags = req.flags({
    chown: "string",
    chmod: "string",
    link: "bool",
    "keep-git-dir": "bool",
    checksum: "string",
    exclude: "strings",
    unpack: "bool",
  });
  return {
    kind: "add",
    ...req.base,
    ...sourcesAndDest(req, "ADD"),
    chown: flags.string("chown") ?? "",
    chmod: flags.string("chmod") ?? "",
    link: flags.bool("link"),
    exclude: flags.strings("exclude"),
    keepGitDir: flags.bool("keep-git-dir"),
    checksum: flags.string("checksum") ?? "",
    ...(flags.used.includes("unpack") ? { unpack: flags.bool("unpack") } : {}),
  };
}

export function parseCopy(req: Request): Instruction {
  requireDestination(req, "COPY");
  const flags = req.flags({
    chown: "string",
    from: "string",
    chmod: "string",
    link: "bool",
    exclude: "strings",
    parents: "bool",
  });
  return {
    kind: "copy",
    ...req.base,
    ...sourcesAndDest(req, "COPY"),
    from: flags.string("from") ?? "",
    chown: flags.string("chown") ?? "",
    chmod: flags.string("chmod") ?? "",
    link: flags.bool("link"),
    exclude: flags.strings("exclude"),
    parents: flags.bool("parents"),
  };
}
