// hoist pull [-a] [-q] [--platform P] NAME[:TAG|@DIGEST]: copy(registry → store), printed as docker prints it.
// Also exports pullImage (run/create/build pull missing images with it) and the progress display push shares.
import { HoistError } from "../../errors.ts";
import { copy } from "../../copy/index.ts";
import { digestHex, parseManifest, shortId, type Digest, type Platform } from "../../oci/index.ts";
import { familiarString, name, parseNormalizedNamed, toString, withTag, type Reference } from "../../ref/index.ts";
import type { Store } from "../../store/index.ts";
import { findImage } from "../../store/index.ts";
import { addRepoDigest } from "../../store/repo-digests.ts";
import { StoreSink } from "../../transports/store/index.ts";
import {
  RemoteSource,
  listTags,
  parsePlatform,
  registryClient,
  type RemoteOptions,
} from "../../transports/remote/index.ts";
import type { CopyEvent, LayerRef } from "../../transports/types.ts";
import type { CommandModule, Context, FlagSpec, Io, ParsedFlags } from "../command.ts";
import { openStore } from "../store.ts";
import { humanSize } from "../units.ts";

/** The flags every registry command takes (podman's names). */
export const registryFlags: FlagSpec[] = [
  {
    name: "tls-verify",
    type: "bool",
    default: true,
    description: "Require HTTPS and verify certificates when contacting registries",
  },
  {
    name: "authfile",
    type: "string",
    description: "Path of the authentication file (default: docker's config.json; env REGISTRY_AUTH_FILE)",
  },
];

export const spec: CommandModule["spec"] = {
  name: "pull",
  aliases: ["image pull"],
  usage: "pull [OPTIONS] NAME[:TAG|@DIGEST]",
  description: "Download an image from a registry",
  flags: [
    { name: "all-tags", short: "a", type: "bool", description: "Download all tagged images in the repository" },
    { name: "platform", type: "string", description: "Set platform if server is multi-platform capable" },
    { name: "quiet", short: "q", type: "bool", description: "Suppress verbose output" },
    {
      name: "disable-content-trust",
      type: "bool",
      default: true,
      description: "Skip image verification",
      hidden: true,
    },
    ...registryFlags,
  ],
  args: { exact: 1 },
};

export function remoteOptions(ctx: Context, flags: ParsedFlags): RemoteOptions {
  const authfile = flags.string("authfile");
  return {
    env: ctx.env,
    ...(flags.bool("tls-verify") ? {} : { tlsVerify: false }),
    ...(authfile ? { authfile } : {}),
  };
}

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const arg = args[0] as string;
  const all = flags.bool("all-tags");
  const quiet = flags.bool("quiet");
  let ref = parseNormalizedNamed(arg);
  const platformFlag = flags.string("platform");
  const platform = platformFlag ? parsePlatform(platformFlag) : undefined;
  const opts = {
    ...remoteOptions(ctx, flags),
    signal: ctx.signal,
    ...(platform ? { platform, platformExplicit: true } : {}),
  };
  const store = openStore(ctx);
  if (all) {
    if (ref.tag !== undefined || ref.digest !== undefined)
      throw new HoistError("INVALID_ARGUMENT", "tag can't be used with --all-tags/-a");
    const tags = await listTags(registryClient(ref.domain, opts), ref.path, { signal: ctx.signal });
    if (tags.length === 0) throw new HoistError("NOT_FOUND", `no tags found for ${familiarString(ref)}`);
    for (const tag of tags) await pullImage(ctx, store, withTag(ref, tag), { ...opts, quiet, summary: false });
    if (!quiet) ctx.io.out(`Status: Downloaded newer image for ${familiarString(ref)}\n`);
    ctx.io.out(`${name(ref)}\n`);
    return;
  }
  if (ref.tag === undefined && ref.digest === undefined) {
    if (!quiet) ctx.io.out("Using default tag: latest\n");
    ref = withTag(ref, "latest");
  }
  await pullImage(ctx, store, ref, { ...opts, quiet });
  ctx.io.out(`${toString(ref)}\n`);
};

export interface PullOptions extends RemoteOptions {
  platform?: Platform;
  platformExplicit?: boolean;
  quiet?: boolean;
  /** Print Digest/Status lines (default true). */
  summary?: boolean;
  signal?: AbortSignal;
}

/** Pull one tag or digest into the store, printing docker's progress; returns the image ID. */
export async function pullImage(
  ctx: Context,
  store: Store,
  ref: Reference,
  options: PullOptions = {},
): Promise<Digest> {
  const quiet = options.quiet ?? false;
  const progress = new Progress(ctx.io, quiet);
  const inFlight = new Map<string, LayerRef>();
  const downloaded = new Set<string>();
  const source = new RemoteSource(ref, {
    ...options,
    onProgress: (layer, bytes) => {
      const key = layerKey(layer);
      if (bytes < layer.descriptor.size) return progress.bytes(key, "Downloading", bytes, layer.descriptor.size);
      downloaded.add(key);
      progress.line(key, "Download complete");
    },
  });
  const resolved = await source.resolve();
  if (!quiet) ctx.io.out(`${ref.digest ?? ref.tag ?? "latest"}: Pulling from ${ref.path}\n`);
  const image = (await source.images())[0];
  if (!image) throw new HoistError("INTERNAL", "no image resolved");
  const configDigest = parseManifest(resolved.manifest.bytes).config.digest;
  const target = ref.digest === undefined ? toString(ref) : undefined;
  const state = store.state();
  const had = state.images[digestHex(configDigest)];
  const upToDate = had !== undefined && (target === undefined ? true : findImage(state, target)?.id === configDigest);
  if (!had) {
    const sink = new StoreSink(store);
    const missing: LayerRef[] = [];
    for (const l of await image.layers()) {
      const have = await sink.hasLayer(l);
      if (!have && !missing.some((m) => m.descriptor.digest === l.descriptor.digest)) missing.push(l);
      progress.line(layerKey(l), have ? "Already exists" : "Pulling fs layer");
    }
    const downloads = Number(ctx.env.HOIST_MAX_CONCURRENT_DOWNLOADS) || 3;
    source.prefetch(missing, { concurrency: downloads });
  }
  const onEvent = (e: CopyEvent): void => {
    if (had) return;
    if (e.type !== "layer-start" && e.type !== "layer-done") return;
    const key = layerKey(e.layer);
    if (e.type === "layer-start") {
      inFlight.set(e.layer.descriptor.digest, e.layer);
      // Fetched ahead already: what is left is extracting it.
      if (downloaded.has(key)) progress.status(key, "Extracting");
    } else {
      inFlight.delete(e.layer.descriptor.digest);
      if (!downloaded.has(key)) progress.line(key, "Download complete");
      progress.line(key, "Pull complete");
    }
  };
  let id: Digest;
  try {
    [id] = (await copy(source, new StoreSink(store), {
      ...(options.signal ? { signal: options.signal } : {}),
      onEvent,
      names: () => (target ? [target] : []),
    })) as [Digest];
  } catch (e) {
    progress.end();
    throw withLayerContext(e, [...inFlight.values()], ref);
  }
  progress.end();
  await store.update((s) => void addRepoDigest(s, id, `${name(ref)}@${resolved.top.digest}`));
  if (!quiet && options.summary !== false) {
    ctx.io.out(`Digest: ${resolved.top.digest}\n`);
    ctx.io.out(
      `Status: ${upToDate ? "Image is up to date for" : "Downloaded newer image for"} ${familiarString(ref)}\n`,
    );
  }
  return id;
}

/** Docker shows a layer by its blob digest's first 12 hex digits. */
function layerKey(l: LayerRef): string {
  return shortId(l.descriptor.digest);
}

/** Name the layer (and image) a failure while streaming it was about, unless the message does already. */
function withLayerContext(e: unknown, layers: LayerRef[], ref: Reference): unknown {
  const layer = layers[0];
  if (!(e instanceof HoistError) || !layer) return e;
  if (!["DIGEST_INVALID", "SIZE_INVALID", "BAD_ARCHIVE", "REGISTRY", "IO"].includes(e.code)) return e;
  const what = e.message.includes(layer.descriptor.digest)
    ? `layer of ${familiarString(ref)}`
    : `layer ${layer.descriptor.digest} of ${familiarString(ref)}`;
  const verb = e.code === "DIGEST_INVALID" || e.code === "SIZE_INVALID" ? "verification failed for" : "pulling";
  return new HoistError(e.code, `${verb} ${what}: ${e.message}`, { cause: e });
}

/**
 * Docker's per-layer status lines. On a terminal each layer keeps one line, redrawn in place with a progress
 * bar; otherwise each new status is printed once, and byte counts are not.
 */
export class Progress {
  private readonly io: Io;
  private readonly quiet: boolean;
  private readonly order: string[] = [];
  private readonly text = new Map<string, string>();
  private readonly lastDraw = new Map<string, number>();
  private readonly tty: boolean;

  constructor(io: Io, quiet = false) {
    this.io = io;
    this.quiet = quiet;
    this.tty = io.isTTY && process.env.TERM !== "dumb";
  }

  /** Set a layer's status (a new layer gets a new line). */
  line(id: string, status: string): void {
    if (this.quiet) return;
    const textLine = `${id}: ${status}`;
    if (this.text.get(id) === textLine) return;
    this.draw(id, textLine);
  }

  /** A passing status, shown on a terminal only (docker prints it with a bar there, not otherwise). */
  status(id: string, status: string): void {
    if (!this.quiet && this.tty) this.draw(id, `${id}: ${status}`);
  }

  /** A byte count with a bar (terminal only). */
  bytes(id: string, status: string, current: number, total: number): void {
    if (this.quiet) return;
    if (!this.tty) {
      if (!this.text.has(id)) this.draw(id, `${id}: ${status}`);
      return;
    }
    const now = Date.now();
    if (current < total && now - (this.lastDraw.get(id) ?? 0) < 100) return;
    this.lastDraw.set(id, now);
    this.draw(id, `${id}: ${status} ${progressBar(current, total)}`);
  }

  private draw(id: string, line: string): void {
    const known = this.text.has(id);
    this.text.set(id, line);
    if (!this.tty) {
      this.io.out(`${line}\n`);
      return;
    }
    if (!known) {
      this.order.push(id);
      this.io.out(`${line}\n`);
      return;
    }
    const up = this.order.length - this.order.indexOf(id);
    this.io.out(`\x1b[${up}A\x1b[2K\r${line}\x1b[${up}B\r`);
  }

  end(): void {}
}

/** `[=====>      ]  12.3MB/64MB` as docker draws it (50 columns). */
export function progressBar(current: number, total: number): string {
  const width = 50;
  if (total <= 0) return `${humanSize(current)}`;
  const n = Math.max(0, Math.min(width, Math.floor((current / total) * width)));
  const bar = n >= width ? "=".repeat(width) : `${"=".repeat(n)}>${" ".repeat(width - n - 1)}`;
  return `[${bar}]  ${humanSize(current).padStart(8)}/${humanSize(total)}`;
}
