// Builds OCI image layouts on disk (for skopeo and podman) from tar files: no network, no other tool needed.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

function sha(data: Uint8Array): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

async function writeBlob(dir: string, data: Uint8Array): Promise<string> {
  const d = sha(data);
  await writeFile(join(dir, "blobs", "sha256", d.slice(7)), data);
  return d;
}

/** A tar archive holding one file of `size` pseudo-random bytes (incompressible), made in memory. */
export function randomFileTar(name: string, size: number, seed: string): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write("0000644\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(size.toString(8).padStart(11, "0") + "\0", 124);
  header.write("14537412300\0", 136);
  header.write("        ", 148);
  header.write("0", 156);
  header.write("ustar\0" + "00", 257);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  const data = Buffer.alloc(Math.ceil(size / 512) * 512);
  let block = createHash("sha256").update(seed).digest();
  for (let off = 0; off < size; off += 32) {
    block.copy(data, off, 0, Math.min(32, size - off));
    block = createHash("sha256").update(block).digest();
  }
  return Buffer.concat([header, data, Buffer.alloc(1024)]);
}

export interface LayoutImage {
  dir: string;
  manifestDigest: string;
  layerDigests: string[];
}

/** Writes an OCI layout at `dir` with tag `tag`: one gzip'd layer per tar, a linux/amd64 config with labels. */
export async function writeOciLayout(
  dir: string,
  tag: string,
  tars: Buffer[],
  labels: Record<string, string> = {},
): Promise<LayoutImage> {
  await mkdir(join(dir, "blobs", "sha256"), { recursive: true });
  await writeFile(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const layers: { mediaType: string; digest: string; size: number }[] = [];
  const diffIds: string[] = [];
  for (const tar of tars) {
    const gz = gzipSync(tar, { level: 1 });
    layers.push({
      mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
      digest: await writeBlob(dir, gz),
      size: gz.length,
    });
    diffIds.push(sha(tar));
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { Cmd: ["/bin/sh"], Labels: labels },
      rootfs: { type: "layers", diff_ids: diffIds },
      history: tars.map(() => ({ created_by: "hoist test fixture" })),
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: await writeBlob(dir, config),
        size: config.length,
      },
      layers,
    }),
  );
  const manifestDigest = await writeBlob(dir, manifest);
  await writeFile(
    join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: manifestDigest,
          size: manifest.length,
          annotations: { "org.opencontainers.image.ref.name": tag },
        },
      ],
    }),
  );
  return { dir, manifestDigest, layerDigests: layers.map((l) => l.digest) };
}

/** The busybox rootfs tarball scripts/busybox-rootfs makes (from Debian's busybox-static). */
export async function busyboxTar(): Promise<Buffer> {
  const path = execFileSync("scripts/busybox-rootfs", {
    encoding: "utf8",
    cwd: new URL("../..", import.meta.url).pathname,
  }).trim();
  return readFile(path);
}

export function hasBinary(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
