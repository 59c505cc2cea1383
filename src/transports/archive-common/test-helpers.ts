// Helpers for the archive transports' tests: temp dirs, small synthetic images, an in-memory source, summaries.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { TestContext } from "node:test";
import { gzipSync } from "node:zlib";
import { MediaType, parseImageConfig, sha256 } from "../../oci/index.ts";
import type { Compression, Digest } from "../../oci/index.ts";
import { writeTar } from "../../streams/index.ts";
import type { ImageSource, LayerRef, ManifestBytes, SourceImage } from "../types.ts";

/** A fresh directory under the OS temp dir, removed when the test ends. */
export function tempDir(t: TestContext, prefix = "hoist-archive-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

/** A tar of small files: name → content. */
export async function tarOf(files: Record<string, string | Buffer>): Promise<Buffer> {
  const entries = Object.entries(files).map(([name, body]) => {
    const b = typeof body === "string" ? Buffer.from(body) : body;
    return { header: { name, type: "file" as const, size: b.length, mode: 0o644 }, body: b };
  });
  return collect(writeTar(entries));
}

/** A tar of entries in order; a string `link` makes a symlink, `hardlink` a hard link. */
export async function tarEntries(
  entries: { name: string; body?: string | Buffer; link?: string; hardlink?: string }[],
): Promise<Buffer> {
  return collect(
    writeTar(
      entries.map((e) => {
        if (e.link !== undefined) return { header: { name: e.name, type: "symlink" as const, linkname: e.link } };
        if (e.hardlink !== undefined)
          return { header: { name: e.name, type: "hardlink" as const, linkname: e.hardlink } };
        const b = typeof e.body === "string" ? Buffer.from(e.body) : (e.body ?? Buffer.alloc(0));
        return { header: { name: e.name, type: "file" as const, size: b.length, mode: 0o644 }, body: b };
      }),
    ),
  );
}

export interface MemImage {
  config: Buffer;
  names: string[];
  /** Plain layer tars, bottom first. */
  tars: Buffer[];
  compression: Compression;
}

/** A small image whose layers hold the given files; `seed` makes configs differ. */
export async function makeImage(
  layers: Record<string, string>[],
  options: { names?: string[]; compression?: Compression; seed?: string; architecture?: string } = {},
): Promise<MemImage> {
  const tars = await Promise.all(layers.map((files) => tarOf(files)));
  const config = Buffer.from(
    JSON.stringify({
      architecture: options.architecture ?? "amd64",
      os: "linux",
      config: { Env: [`SEED=${options.seed ?? ""}`] },
      rootfs: { type: "layers", diff_ids: tars.map((t) => sha256(t)) },
      history: tars.map(() => ({ created_by: "test" })),
    }),
  );
  return { config, names: options.names ?? [], tars, compression: options.compression ?? "none" };
}

function blobOf(tar: Buffer, compression: Compression): Buffer {
  return compression === "gzip" ? gzipSync(tar) : tar;
}

/** The image as a copy source would give it (gzip blobs when asked; `hideSizes` drops uncompressedSize). */
export function memImage(image: MemImage, options: { hideSizes?: boolean; corruptLayer?: number } = {}): SourceImage {
  const blobs = new Map<string, Buffer>();
  const refs: LayerRef[] = image.tars.map((tar) => {
    const blob = blobOf(tar, image.compression);
    const descriptor = {
      mediaType: image.compression === "gzip" ? MediaType.ociLayerGzip : MediaType.ociLayer,
      digest: sha256(blob),
      size: blob.length,
    };
    blobs.set(descriptor.digest, blob);
    return {
      descriptor,
      diffId: sha256(tar),
      compression: image.compression,
      ...(options.hideSizes ? {} : { uncompressedSize: tar.length }),
    };
  });
  const manifestDoc = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: sha256(image.config), size: image.config.length },
    layers: refs.map((r) => r.descriptor),
  };
  const bytes = Buffer.from(JSON.stringify(manifestDoc));
  const manifest: ManifestBytes = { bytes, mediaType: MediaType.ociManifest, digest: sha256(bytes) };
  return {
    names: image.names,
    config: async () => image.config,
    manifest: async () => manifest,
    layers: async () => refs,
    openLayer: async (layer) => {
      let blob = blobs.get(layer.descriptor.digest) as Buffer;
      if (
        options.corruptLayer !== undefined &&
        refs[options.corruptLayer]?.descriptor.digest === layer.descriptor.digest
      ) {
        blob = Buffer.from(blob);
        const mid = blob.length >> 1;
        blob[mid] = (blob[mid] ?? 0) ^ 0xff;
      }
      return Readable.from([blob]);
    },
  };
}

export function memSource(
  images: MemImage[],
  options: { hideSizes?: boolean; corruptLayer?: number } = {},
): ImageSource {
  return {
    description: "memory",
    images: async () => images.map((i) => memImage(i, options)),
    close: async () => undefined,
  };
}

export interface Summary {
  id: Digest;
  names: string[];
  diffIds: Digest[];
}

/** What a source holds: image IDs, names and diffIDs; every layer is read and checked against its diffID. */
export async function summarize(source: ImageSource, options: { readLayers?: boolean } = {}): Promise<Summary[]> {
  const { decompress } = await import("../../streams/index.ts");
  const out: Summary[] = [];
  try {
    for (const image of await source.images()) {
      const config = await image.config();
      const layers = await image.layers();
      const diffIds = parseImageConfig(config).rootfs.diff_ids;
      if (options.readLayers !== false) {
        for (const layer of layers) {
          const raw = await collect(await image.openLayer(layer));
          if (sha256(raw) !== layer.descriptor.digest)
            throw new Error(`blob ${layer.descriptor.digest} does not match its digest`);
          const plain = await collect((await decompress(Readable.from([raw]))).stream);
          if (sha256(plain) !== layer.diffId) throw new Error(`layer ${layer.diffId} does not match its diffID`);
        }
      }
      out.push({ id: sha256(config), names: image.names, diffIds });
    }
  } finally {
    await source.close();
  }
  return out;
}

/** Whether an external program is installed. */
export function have(program: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" }).status === 0;
}

/** Run a program, returning stdout; throws with stderr on failure. */
export function run(program: string, args: string[], options: { input?: Buffer } = {}): string {
  return execFileSync(program, args, {
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
    maxBuffer: 64 << 20,
    ...options,
  });
}

export function sha256File(file: string): Digest {
  return sha256(fs.readFileSync(file));
}
