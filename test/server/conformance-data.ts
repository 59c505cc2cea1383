// The data the distribution-spec conformance suites generate (CHECKLIST.md A0.1), made the same way here.
import { createHash, randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { MAN, IDX, digestOf } from "./helpers.ts";

export const emptyJson = Buffer.from("{}");
export const emptyJsonDigest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
export const dummyDigest = digestOf("hello world");
export const annotationKey = "org.opencontainers.conformance.test";

function tabs(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v, null, "\t"));
}

/** A tiny gzip'd tar with one file, test.txt. */
export function layerBlob(): Buffer {
  const header = Buffer.alloc(512);
  header.write("test.txt", 0);
  header.write("0000644\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write("00000000005\0", 124);
  header.write("00000000000\0", 136);
  header.write("        ", 148);
  header.write("0", 156);
  header.write("ustar\0" + "00", 257);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  const data = Buffer.alloc(512);
  data.write("hello");
  return gzipSync(Buffer.concat([header, data, Buffer.alloc(1024)]));
}

export function configBlob(): Buffer {
  return tabs({
    author: randomBytes(8).toString("hex"),
    architecture: "amd64",
    os: "linux",
    rootfs: { type: "layers", diff_ids: [] },
  });
}

export interface Desc {
  mediaType: string;
  digest: string;
  size: number;
  [k: string]: unknown;
}

export function desc(mediaType: string, data: Buffer, extra: Record<string, unknown> = {}): Desc {
  return { mediaType, digest: digestOf(data), size: data.length, ...extra };
}

export function imageManifest(
  config: Buffer,
  layer: Buffer,
  opts: { noMediaType?: boolean; noLayers?: boolean } = {},
): Buffer {
  const doc: Record<string, unknown> = { schemaVersion: 2 };
  if (!opts.noMediaType) doc.mediaType = MAN;
  doc.config = desc("application/vnd.oci.image.config.v1+json", config, {
    data: config.toString("base64"),
    newUnspecifiedField: Buffer.from("hello world").toString("base64"),
  });
  doc.layers = opts.noLayers
    ? []
    : [desc("application/vnd.oci.image.layer.v1.tar+gzip", layer, { newUnspecifiedField: null })];
  return tabs(doc);
}

export function artifact(opts: {
  configType?: string;
  config?: Buffer;
  artifactType?: string;
  layers: Buffer[];
  layerType?: string;
  subject?: Desc;
  annotation?: string;
}): Buffer {
  const doc: Record<string, unknown> = { schemaVersion: 2, mediaType: MAN };
  if (opts.artifactType) doc.artifactType = opts.artifactType;
  doc.config = opts.config
    ? desc(opts.configType ?? "application/vnd.oci.image.config.v1+json", opts.config)
    : desc("application/vnd.oci.empty.v1+json", emptyJson);
  doc.layers = opts.layers.map((l) =>
    l.equals(emptyJson)
      ? desc("application/vnd.oci.empty.v1+json", l)
      : desc(opts.layerType ?? "application/octet-stream", l),
  );
  if (opts.subject) doc.subject = opts.subject;
  if (opts.annotation !== undefined) doc.annotations = { [annotationKey]: opts.annotation };
  return tabs(doc);
}

export function index(
  manifests: Desc[],
  opts: { artifactType?: string; subject?: Desc; annotation?: string } = {},
): Buffer {
  const doc: Record<string, unknown> = { schemaVersion: 2, mediaType: IDX };
  if (opts.artifactType) doc.artifactType = opts.artifactType;
  doc.manifests = manifests;
  if (opts.subject) doc.subject = opts.subject;
  if (opts.annotation !== undefined) doc.annotations = { [annotationKey]: opts.annotation };
  return tabs(doc);
}

export function sha512(data: Buffer | string): string {
  return `sha512:${createHash("sha512").update(data).digest("hex")}`;
}
