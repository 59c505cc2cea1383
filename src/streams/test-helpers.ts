// Helpers shared by this folder's tests: temp dirs, tar building, tree snapshots.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { TestContext } from "node:test";
import { native } from "../native.ts";
import { BLOCK, encodeHeader } from "./tar/header.ts";
import type { UstarFields } from "./tar/header.ts";
import { readTar } from "./tar/reader.ts";
import type { TarHeaderInput } from "./tar/types.ts";
import { writeTar } from "./tar/writer.ts";
import type { TarWriteEntry } from "./tar/writer.ts";

/** A fresh directory under the OS temp dir, removed when the test ends. */
export function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hoist-streams-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

/** A tar built with our writer; bodies given as strings for brevity. */
export async function tarOf(entries: (TarHeaderInput & { body?: string | Buffer })[]): Promise<Buffer> {
  const list: TarWriteEntry[] = entries.map(({ body, ...header }) => {
    if (body === undefined) return { header };
    const b = typeof body === "string" ? Buffer.from(body) : body;
    return { header: { ...header, size: b.length }, body: b };
  });
  return collect(writeTar(list));
}

/** Feed a buffer in chunks of `size` bytes (to exercise reads that span chunks). */
export function chunked(buf: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

/** A hand-made header block; `patch` edits the bytes before the checksum is recomputed (unless keepChecksum). */
export function rawBlock(fields: Partial<UstarFields>, patch?: (b: Buffer) => void, keepChecksum = false): Buffer {
  const b = encodeHeader({
    name: "file",
    prefix: "",
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: 0,
    mtime: 0,
    typeflag: "0",
    linkname: "",
    uname: "",
    gname: "",
    devmajor: undefined,
    devminor: undefined,
    ...fields,
  });
  if (patch) {
    patch(b);
    if (!keepChecksum) fixChecksum(b);
  }
  return b;
}

export function fixChecksum(b: Buffer): void {
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i] as number;
  b.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "latin1");
}

export function pad(body: Buffer): Buffer {
  return Buffer.concat([body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK)]);
}

export const END = Buffer.alloc(BLOCK * 2);

export interface EntrySummary {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: string;
  linkname: string;
  dev: string;
  xattrs: Record<string, string>;
  body: string;
}

/** Every entry of a tar with its body hashed, for comparisons. */
export async function summarize(tar: AsyncIterable<Uint8Array> | Buffer): Promise<EntrySummary[]> {
  const input = Buffer.isBuffer(tar) ? chunked(tar, 1 << 16) : tar;
  const out: EntrySummary[] = [];
  for await (const e of readTar(input)) {
    const h = e.header;
    const xattrs: Record<string, string> = {};
    for (const k of Object.keys(h.xattrs).sort()) xattrs[k] = (h.xattrs[k] as Buffer).toString("hex");
    out.push({
      name: h.name.replace(/^\.\//, "").replace(/\/$/, ""),
      type: h.type,
      mode: h.mode,
      uid: h.uid,
      gid: h.gid,
      mtime: `${h.mtime.sec}.${h.mtime.nsec}`,
      linkname: h.linkname.replace(/^\.\//, ""),
      dev: `${h.devmajor},${h.devminor}`,
      xattrs,
      body: createHash("sha256")
        .update(await e.buffer())
        .digest("hex"),
    });
  }
  return out;
}

export interface NodeSummary {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: string;
  size: number;
  content: string;
  link: string;
  rdev: number;
  xattrs: Record<string, string>;
  /** Other paths sharing the inode. */
  links: string[];
}

/** A comparable picture of a directory tree: every path with its type, attributes, content and xattrs. */
export function snapshot(
  root: string,
  options: { mtimes?: "all" | "nondir" | "none" } = {},
): Record<string, NodeSummary> {
  const out: Record<string, NodeSummary> = {};
  const inodes = new Map<bigint, string[]>();
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const r = rel === "" ? name : `${rel}/${name}`;
      const abs = path.join(root, r);
      const st = fs.lstatSync(abs, { bigint: true });
      const type = st.isDirectory()
        ? "dir"
        : st.isFile()
          ? "file"
          : st.isSymbolicLink()
            ? "symlink"
            : st.isFIFO()
              ? "fifo"
              : st.isCharacterDevice()
                ? "char"
                : st.isBlockDevice()
                  ? "block"
                  : "other";
      const xattrs: Record<string, string> = {};
      for (const x of native().llistxattr(abs).sort()) xattrs[x] = native().lgetxattr(abs, x)?.toString("hex") ?? "";
      const mt = options.mtimes ?? "all";
      const mtime = mt === "all" || (mt === "nondir" && type !== "dir") ? String(st.mtimeNs) : "";
      out[r] = {
        type,
        mode: Number(st.mode) & 0o7777,
        uid: Number(st.uid),
        gid: Number(st.gid),
        mtime,
        size: type === "file" ? Number(st.size) : 0,
        content: type === "file" ? createHash("sha256").update(fs.readFileSync(abs)).digest("hex") : "",
        link: type === "symlink" ? fs.readlinkSync(abs) : "",
        rdev: Number(st.rdev),
        xattrs,
        links: [],
      };
      if (type !== "dir" && st.nlink > 1n) inodes.set(st.ino, [...(inodes.get(st.ino) ?? []), r]);
      if (type === "dir") walk(r);
    }
  };
  walk("");
  for (const group of inodes.values())
    for (const p of group) (out[p] as NodeSummary).links = group.filter((q) => q !== p);
  return out;
}
