// Where a build's context and Dockerfile come from: a directory, a tar file, or `-` (a tar on stdin, or a
// lone Dockerfile on stdin with an empty context); the Dockerfile from PATH/Dockerfile, -f FILE or -f -;
// ignore patterns from <Dockerfile>.dockerignore beside the Dockerfile, else the context's .dockerignore.
import fs from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { HoistError, errnoCode } from "../../errors.ts";
import type { Staging, Store } from "../../store/index.ts";
import { decompress, extractLayer, peek } from "../../streams/index.ts";
import { readIgnoreFile } from "./patterns.ts";

export interface ContextSpec {
  /** The PATH argument: a directory, a tar file, or "-". */
  path: string;
  /** -f: a path (relative to the current directory), "-" for stdin, or undefined for PATH/Dockerfile. */
  file?: string;
  stdin: Readable;
  cwd?: string;
}

export interface LoadedContext {
  dir: string;
  dockerfile: { text: Buffer; name: string };
  ignore: string[];
  dispose(): void;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

function isTarHead(head: Buffer): boolean {
  return head.length >= 262 && head.subarray(257, 262).toString("latin1") === "ustar";
}

/** Unpack a (possibly compressed) tar stream into a scratch directory of the store. */
async function unpack(stream: Readable, staging: Staging): Promise<string> {
  const dir = join(staging.scratch("context"), "root");
  const plain = await decompress(stream);
  await extractLayer(plain.stream, dir);
  fs.chmodSync(dir, 0o755);
  return dir;
}

function readDockerfile(path: string, shown: string): Buffer {
  try {
    const st = fs.statSync(path);
    if (st.isDirectory()) throw new HoistError("INVALID_ARGUMENT", `the Dockerfile (${shown}) cannot be a directory`);
    return fs.readFileSync(path);
  } catch (e) {
    if (errnoCode(e) === "ENOENT") {
      throw new HoistError(
        "NOT_FOUND",
        `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${path}: no such file or directory`,
      );
    }
    throw e;
  }
}

function ignoreFile(path: string): string[] | undefined {
  try {
    return readIgnoreFile(fs.readFileSync(path, "utf8"));
  } catch (e) {
    if (errnoCode(e) === "ENOENT" || errnoCode(e) === "ENOTDIR") return undefined;
    throw e;
  }
}

/** The default Dockerfile of a context: Dockerfile, else dockerfile. */
function defaultDockerfile(dir: string): string {
  const upper = join(dir, "Dockerfile");
  if (fs.existsSync(upper)) return upper;
  const lower = join(dir, "dockerfile");
  return fs.existsSync(lower) ? lower : upper;
}

export async function loadContext(spec: ContextSpec, store: Store): Promise<LoadedContext> {
  const cwd = spec.cwd ?? process.cwd();
  if (spec.path === "-" && spec.file === "-")
    throw new HoistError("INVALID_ARGUMENT", "invalid argument: can't use stdin for both build context and dockerfile");
  let staging: Staging | undefined;
  const dispose = (): void => staging?.dispose();
  try {
    let dir: string;
    let stdinDockerfile: Buffer | undefined;
    if (spec.path === "-") {
      const head = await peek(spec.stdin, 512);
      const compressed = head[0] === 0x1f || head[0] === 0x28 || head[0] === 0x42 || head[0] === 0xfd;
      if (isTarHead(head) || compressed) {
        staging = await store.stage();
        dir = await unpack(spec.stdin, staging);
      } else {
        staging = await store.stage();
        dir = staging.scratch("context");
        fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
        stdinDockerfile = await readAll(spec.stdin);
      }
    } else {
      const abs = resolve(cwd, spec.path);
      let st: fs.Stats;
      try {
        st = fs.statSync(abs);
      } catch (e) {
        if (errnoCode(e) === "ENOENT")
          throw new HoistError("NOT_FOUND", `unable to prepare context: path "${spec.path}" not found`);
        throw e;
      }
      if (st.isDirectory()) dir = fs.realpathSync(abs);
      else {
        const fd = fs.openSync(abs, "r");
        const head = Buffer.alloc(512);
        const n = fs.readSync(fd, head, 0, 512, 0);
        fs.closeSync(fd);
        const compressed = head[0] === 0x1f || (head[0] === 0x28 && head[1] === 0xb5);
        if (!isTarHead(head.subarray(0, n)) && !compressed) {
          throw new HoistError(
            "INVALID_ARGUMENT",
            `unable to prepare context: ${spec.path} is neither a directory nor a tar archive`,
          );
        }
        staging = await store.stage();
        dir = await unpack(fs.createReadStream(abs, { highWaterMark: 1 << 20 }), staging);
      }
    }
    let text: Buffer;
    let name: string;
    let ignorePath: string | undefined;
    if (stdinDockerfile !== undefined) {
      text = stdinDockerfile;
      name = "Dockerfile";
    } else if (spec.file === "-") {
      text = await readAll(spec.stdin);
      name = "Dockerfile";
    } else if (spec.file !== undefined) {
      // -f: relative to the current directory, or (for a tar context) a path inside the context.
      const path =
        spec.path === "-" || !fs.statSync(resolve(cwd, spec.path)).isDirectory()
          ? join(dir, spec.file)
          : resolve(cwd, spec.file);
      text = readDockerfile(path, spec.file);
      name = basename(spec.file);
      ignorePath = join(dirname(path), `${basename(path)}.dockerignore`);
    } else {
      const path = defaultDockerfile(dir);
      text = readDockerfile(path, "Dockerfile");
      name = basename(path);
      ignorePath = join(dirname(path), `${basename(path)}.dockerignore`);
    }
    if (text.length === 0) throw new HoistError("INVALID_ARGUMENT", "the Dockerfile cannot be empty");
    const ignore =
      (ignorePath !== undefined ? ignoreFile(ignorePath) : undefined) ?? ignoreFile(join(dir, ".dockerignore")) ?? [];
    return { dir, dockerfile: { text, name }, ignore, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}
