// ADD's extra sources: a local archive (tar, gzip, bzip2, xz, zstd) is unpacked into the destination; a URL
// is downloaded (its name from the URL path, its time from Last-Modified, mode 0600) and --checksum verified.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { join } from "node:path";
import { PassThrough, Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { HoistError } from "../../errors.ts";
import { decompress, detectCompression, extractLayer, type Timestamp } from "../../streams/index.ts";
import type { Session } from "../session.ts";

export function isUrl(src: string): boolean {
  return /^https?:\/\//.test(src);
}

export interface Downloaded {
  url: string;
  name: string;
  file: string;
  size: number;
  digest: string;
  mtime?: Timestamp;
}

/** Download `url` into scratch space, hashing it; a given --checksum must match. */
export async function download(s: Session, url: string, checksum: string): Promise<Downloaded> {
  if (checksum !== "" && !/^sha256:[a-f0-9]{64}$/.test(checksum)) {
    throw new HoistError("INVALID_ARGUMENT", `invalid checksum digest format: ${checksum}`);
  }
  let name = "__unnamed__";
  try {
    const base = new URL(url).pathname.split("/").filter(Boolean).at(-1);
    if (base) name = decodeURIComponent(base);
  } catch {
    throw new HoistError("INVALID_ARGUMENT", `invalid URL: ${url}`);
  }
  const res = await fetch(url, { ...(s.o.signal ? { signal: s.o.signal } : {}) }).catch((e: unknown) => {
    throw new HoistError("IO", `failed to download ${url}: ${(e as Error).message}`, { cause: e });
  });
  if (!res.ok || !res.body) throw new HoistError("IO", `failed to download ${url}: ${res.status} ${res.statusText}`);
  const file = join(s.scratch("download"), "data");
  const hash = createHash("sha256");
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(res.body as WebReadableStream), tap, fs.createWriteStream(file));
  const digest = `sha256:${hash.digest("hex")}`;
  if (checksum !== "" && checksum !== digest) {
    throw new HoistError("DIGEST_INVALID", `digest mismatch ${digest}: ${checksum}`);
  }
  const modified = Date.parse(res.headers.get("last-modified") ?? "");
  return {
    url,
    name,
    file,
    size,
    digest,
    ...(Number.isNaN(modified) ? {} : { mtime: { sec: Math.floor(modified / 1000), nsec: 0 } }),
  };
}

/** A decompressing child process for what Node cannot decompress itself. */
function external(cmd: string, input: Readable): Readable {
  const child = spawn(cmd, ["-dc"], { stdio: ["pipe", "pipe", "ignore"] });
  child.on("error", (e) => out.destroy(new HoistError("UNSUPPORTED", `cannot unpack with ${cmd}: ${e.message}`)));
  input.pipe(child.stdin);
  child.stdin.on("error", () => {});
  const out = new PassThrough();
  child.stdout.pipe(out);
  return out;
}

async function plainStream(abs: string): Promise<Readable | undefined> {
  const fd = fs.openSync(abs, "r");
  const head = Buffer.alloc(512 + 262);
  let n: number;
  try {
    n = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const kind = detectCompression(head.subarray(0, n));
  const input = fs.createReadStream(abs, { highWaterMark: 1 << 20 });
  if (kind === "none") return isTar(head.subarray(0, n)) ? input : (input.destroy(), undefined);
  if (kind === "bzip2") return external("bzip2", input);
  if (kind === "xz") return external("xz", input);
  return (await decompress(input)).stream as Readable;
}

function isTar(block: Buffer): boolean {
  return block.length >= 262 && block.subarray(257, 262).toString("latin1") === "ustar";
}

/** Unpack a local archive into scratch space; undefined when the file is not an archive (it is copied as is). */
export async function archiveSource(s: Session, abs: string): Promise<string | undefined> {
  const stream = await plainStream(abs);
  if (stream === undefined) return undefined;
  const head: Buffer[] = [];
  let have = 0;
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  while (have < 512) {
    const r = await it.next();
    if (r.done) break;
    head.push(r.value);
    have += r.value.length;
  }
  const first = Buffer.concat(head);
  if (!isTar(first)) {
    stream.destroy();
    return undefined;
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    yield first;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  const dir = join(s.scratch("unpack"), "root");
  try {
    await extractLayer(all(), dir, s.o.signal ? { signal: s.o.signal } : {});
  } catch (e) {
    throw new HoistError("BAD_ARCHIVE", `unpacking ${abs}: ${(e as Error).message}`, { cause: e });
  }
  return dir;
}
