// hoist push [-a] [-q] [--compression-format gzip|zstd] NAME[:TAG]: copy(store → registry), printed as docker does.
import { HoistError } from "../../errors.ts";
import { copy } from "../../copy/index.ts";
import { digestHex, layerCompressionOf, shortId, type Descriptor, type Digest } from "../../oci/index.ts";
import {
  familiarName,
  familiarString,
  name,
  parseNormalizedNamed,
  toString,
  withTag,
  type Reference,
} from "../../ref/index.ts";
import type { ImageRecord, StoreState } from "../../store/index.ts";
import { addRepoDigest } from "../../store/repo-digests.ts";
import { StoreSource } from "../../transports/store/index.ts";
import { RemoteSink, type PushEvent } from "../../transports/remote/index.ts";
import type { CopyEvent, LayerRef } from "../../transports/types.ts";
import type { CommandModule } from "../command.ts";
import { openStore } from "../store.ts";
import { Progress, registryFlags, remoteOptions } from "./pull.ts";

export const spec: CommandModule["spec"] = {
  name: "push",
  aliases: ["image push"],
  usage: "push [OPTIONS] NAME[:TAG]",
  description: "Upload an image to a registry",
  flags: [
    { name: "all-tags", short: "a", type: "bool", description: "Push all tags of an image to the repository" },
    { name: "quiet", short: "q", type: "bool", description: "Suppress verbose output" },
    {
      name: "compression-format",
      type: "string",
      description: "Compression for layers pushed compressed here: gzip or zstd",
    },
    { name: "disable-content-trust", type: "bool", default: true, description: "Skip image signing", hidden: true },
    ...registryFlags,
  ],
  args: { exact: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const all = flags.bool("all-tags");
  const quiet = flags.bool("quiet");
  const format = flags.string("compression-format");
  if (format !== undefined && format !== "gzip" && format !== "zstd")
    throw new HoistError("INVALID_ARGUMENT", `invalid compression format "${format}": use gzip or zstd`);
  let ref = parseNormalizedNamed(args[0] as string);
  if (ref.digest !== undefined) throw new HoistError("INVALID_ARGUMENT", "cannot push a digest reference");
  if (all && ref.tag !== undefined) throw new HoistError("INVALID_ARGUMENT", "tag can't be used with --all-tags/-a");
  if (!all && ref.tag === undefined) {
    if (!quiet) ctx.io.out("Using default tag: latest\n");
    ref = withTag(ref, "latest");
  }
  const store = openStore(ctx);
  const state = store.state();
  const records = imagesToPush(state, ref, all);
  if (!quiet) ctx.io.out(`The push refers to repository [${name(ref)}]\n`);
  const progress = new Progress(ctx.io, quiet);
  const byDiff = new Map<string, string>();
  const onPush = (e: PushEvent): void => {
    if (e.type === "layer-exists") progress.line(diffKey(e.layer), "Layer already exists");
    else if (e.type === "layer-mounted") progress.line(diffKey(e.layer), `Mounted from ${e.from}`);
    else if (e.type === "layer-pushing") progress.bytes(diffKey(e.layer), "Pushing", e.bytes, e.total);
    else if (e.type === "layer-pushed") progress.line(diffKey(e.layer), "Pushed");
    else if (e.type === "manifest-pushed" && !quiet)
      ctx.io.out(`${e.tag || "<none>"}: digest: ${e.digest} size: ${e.size}\n`);
  };
  const sink = new RemoteSink(ref, {
    ...remoteOptions(ctx, flags),
    signal: ctx.signal,
    ...(format ? { compression: format } : {}),
    ...(Number(ctx.env.HOIST_UPLOAD_CHUNK_SIZE) > 0 ? { chunkSize: Number(ctx.env.HOIST_UPLOAD_CHUNK_SIZE) } : {}),
    openBlob: async (d: Descriptor) => store.openBlob(d.digest),
    alternatives: (l: LayerRef) => alternatives(state, l),
    mountFrom: (l: LayerRef) => mountCandidates(state, ref, l),
    onEvent: onPush,
  });
  const onEvent = (e: CopyEvent): void => {
    if (e.type === "layer-start") progress.bytes(diffKey(e.layer), "Pushing", 0, e.layer.descriptor.size);
  };
  // Docker lists the top layer first, each as Preparing, before anything is sent.
  for (const { record } of records)
    for (const diffId of [...record.layers].reverse()) {
      const key = shortId(diffId);
      if (byDiff.has(key)) continue;
      byDiff.set(key, diffId);
      progress.line(key, "Preparing");
    }
  await copy(new StoreSource(store, records), sink, { signal: ctx.signal, onEvent });
  progress.end();
  const repo = name(ref);
  const recordsByTag = new Map(
    records.flatMap(({ record, names }) => names.map((n) => [parseNormalizedNamed(n).tag ?? "", record.id] as const)),
  );
  await store.update((s) => {
    for (const r of sink.results) {
      const id = recordsByTag.get(r.tag) ?? records[0]?.record.id;
      if (id) addRepoDigest(s, id, `${repo}@${r.digest}`);
    }
  });
  if (quiet) ctx.io.out(`${all ? repo : toString(ref)}\n`);
};

function diffKey(l: LayerRef): string {
  return shortId(l.diffId);
}

/** The images to push: the one tagged `ref`, or (-a) every image with a tag in its repository. */
function imagesToPush(state: StoreState, ref: Reference, all: boolean): { record: ImageRecord; names: string[] }[] {
  const repo = name(ref);
  if (!all) {
    const full = toString(ref);
    const record = Object.values(state.images).find((i) => i.names.includes(full));
    if (!record)
      throw new HoistError("NOT_FOUND", `An image does not exist locally with the tag: ${familiarName(ref)}`);
    return [{ record, names: [full] }];
  }
  const out: { record: ImageRecord; names: string[] }[] = [];
  for (const record of Object.values(state.images)) {
    const names = record.names.filter((n) => {
      const r = parseNormalizedNamed(n);
      return name(r) === repo;
    });
    if (names.length) out.push({ record, names });
  }
  if (out.length === 0)
    throw new HoistError("NOT_FOUND", `An image does not exist locally with the tag: ${familiarString(ref)}`);
  return out;
}

/** Other blobs the store keeps for the layer (a compressed copy of a plain one, say). */
function alternatives(state: StoreState, l: LayerRef): Descriptor[] {
  const rec = state.layers[digestHex(l.diffId)];
  return (rec?.blobs ?? [])
    .filter((b) => b.digest !== l.descriptor.digest && layerCompressionOf(b.mediaType) === b.compression)
    .map((b) => ({ mediaType: b.mediaType, digest: b.digest, size: b.size }));
}

/** Repositories of the same registry that images with this layer were pulled from or pushed to. */
function mountCandidates(state: StoreState, ref: Reference, l: LayerRef): string[] {
  const out: string[] = [];
  for (const img of Object.values(state.images)) {
    if (!img.layers.includes(l.diffId as Digest)) continue;
    for (const d of img.digests) {
      const r = parseNormalizedNamed(d);
      if (r.domain === ref.domain && r.path !== ref.path && !out.includes(r.path)) out.push(r.path);
    }
  }
  return out;
}
