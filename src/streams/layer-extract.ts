// Extract a layer's plain tar stream into an empty directory in overlayfs's form, in one pass that also
// computes the diffID and enforces a byte budget. On any failure the directory is removed.
import fs from "node:fs";
import { errnoCode, HoistError } from "../errors.ts";
import { hasher } from "../oci/digest.ts";
import type { Digest } from "../oci/digest.ts";
import { OverlayTree } from "./overlay-tree.ts";
import { readTar } from "./tar/reader.ts";

export interface ExtractOptions {
  /** Most uncompressed tar bytes to accept (BUDGET_EXCEEDED beyond). */
  maxBytes?: number;
  /** Most tar entries to accept (BUDGET_EXCEEDED beyond). */
  maxEntries?: number;
  /** When given, a different diffID fails the extraction (DIGEST_INVALID) and removes the directory. */
  expectedDiffID?: Digest;
  signal?: AbortSignal;
  /** Called as input is consumed. */
  onProgress?: (progress: { bytes: number; entries: number }) => void;
}

export interface ExtractStats {
  /** Tar entries read (whiteouts and directories included). */
  entries: number;
  /** Uncompressed tar bytes read, trailing padding included. */
  bytes: number;
  /** sha256 of exactly those bytes. */
  diffID: Digest;
  /** Bytes of regular-file content written (hardlinks counted once): the layer's size on disk, roughly. */
  contentBytes: number;
  /** Extended attributes the filesystem refused (EPERM/ENOTSUP) and that were skipped. */
  xattrsSkipped: number;
}

/** Extract `tar` (uncompressed) into `destDir`, which must be missing or empty. */
export async function extractLayer(
  tar: AsyncIterable<Uint8Array>,
  destDir: string,
  options: ExtractOptions = {},
): Promise<ExtractStats> {
  prepare(destDir);
  const hash = hasher();
  let bytes = 0;
  let entries = 0;
  let contentBytes = 0;
  let current = "";
  const onChunk = (chunk: Buffer) => {
    options.signal?.throwIfAborted();
    bytes += chunk.length;
    if (options.maxBytes !== undefined && bytes > options.maxBytes) {
      const at = current === "" ? "" : ` (at entry ${JSON.stringify(current)})`;
      throw new HoistError("BUDGET_EXCEEDED", `layer exceeds the budget of ${options.maxBytes} bytes${at}`);
    }
    hash.update(chunk);
    options.onProgress?.({ bytes, entries });
  };
  const tree = new OverlayTree(destDir);
  try {
    const readOptions = options.signal ? { onChunk, signal: options.signal } : { onChunk };
    for await (const entry of readTar(tar, readOptions)) {
      current = entry.header.name;
      entries++;
      if (options.maxEntries !== undefined && entries > options.maxEntries) {
        throw new HoistError(
          "BUDGET_EXCEEDED",
          `layer has more than ${options.maxEntries} entries (at entry ${JSON.stringify(current)})`,
        );
      }
      if (entry.header.type === "file") contentBytes += entry.header.size;
      await tree.apply(entry);
    }
    await tree.finish();
    const diffID = hash.digest();
    if (options.expectedDiffID !== undefined && diffID !== options.expectedDiffID) {
      throw new HoistError(
        "DIGEST_INVALID",
        `layer diffID mismatch: expected ${options.expectedDiffID}, got ${diffID}`,
      );
    }
    return { entries, bytes, diffID, contentBytes, xattrsSkipped: tree.counters.xattrsSkipped };
  } catch (e) {
    await tree.settle();
    fs.rmSync(destDir, { recursive: true, force: true });
    if (e instanceof HoistError || options.signal?.aborted) throw e;
    const what = current === "" ? "extracting layer" : `extracting tar entry ${JSON.stringify(current)}`;
    throw new HoistError("IO", `${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function prepare(destDir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(destDir);
  } catch (e) {
    if (errnoCode(e) !== "ENOENT") throw new HoistError("IO", `cannot extract a layer into ${destDir}`, { cause: e });
    fs.mkdirSync(destDir, { recursive: true, mode: 0o755 });
    return;
  }
  if (names.length > 0) {
    throw new HoistError("CONFLICT", `cannot extract a layer into ${destDir}: the directory is not empty`);
  }
}
