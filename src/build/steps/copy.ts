// COPY and ADD: sources from the context (checksummed for the cache key), another stage or image, heredocs,
// and for ADD local archives (unpacked) and URLs (downloaded, --checksum verified). Made into a layer
// without a container.
import { HoistError, isHoistError } from "../../errors.ts";
import { stageReference, type AddInstruction, type CopyInstruction } from "../dockerfile/index.ts";
import { BuildContext, type ContextEntry } from "../context/context.ts";
import { PatternMatcher } from "../context/patterns.ts";
import { copyEntries, type CopySource } from "../copy-entries.ts";
import { stepKey, sha256Hex } from "../keys.ts";
import { writeLayer } from "../layers.ts";
import type { RootfsView } from "../rootfs-view.ts";
import type { Session } from "../session.ts";
import { containerConfig, type StageState } from "../stage-state.ts";
import { resolveOwner } from "../users.ts";
import { archiveSource, download, isUrl, type Downloaded } from "./add-sources.ts";

type FileInstruction = CopyInstruction | AddInstruction;

/** The destination made absolute against WORKDIR, a trailing `/` kept ("." and "" mean the directory itself). */
export function destPath(workdir: string | undefined, dest: string): string {
  const d = dest === "." || dest === "" ? "./" : dest;
  if (d.startsWith("/")) return d;
  const base = (workdir || "/").replace(/\/+$/, "");
  return `${base}/${d}`;
}

export function parseChmod(chmod: string): number | undefined {
  if (chmod === "") return undefined;
  const bad = new HoistError(
    "INVALID_ARGUMENT",
    `invalid chmod parameter: '${chmod}'. it should be octal string and between 0 and 07777`,
  );
  if (!/^[0-7]+$/.test(chmod)) throw bad;
  const n = Number.parseInt(chmod, 8);
  if (n > 0o7777) throw bad;
  return n;
}

/** Where sources are read from: the context, or the filesystem of a stage or an image. */
type From = { kind: "context" } | { kind: "layers"; state: Pick<StageState, "layers">; key: string };

async function resolveFrom(s: Session, cmd: FileInstruction, stageIndex: number): Promise<From> {
  if (cmd.kind === "add" || cmd.from === "") return { kind: "context" };
  if (cmd.from.includes("$")) {
    throw new HoistError(
      "INVALID_ARGUMENT",
      "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround",
    );
  }
  const ref = stageReference(s.o.stages, cmd.from, stageIndex);
  if (ref !== undefined) {
    const st = await s.o.stage(ref);
    return { kind: "layers", state: st, key: `stage:${st.fsKey}` };
  }
  if (/^[0-9]+$/.test(cmd.from)) throw new HoistError("INVALID_ARGUMENT", `invalid stage index ${cmd.from}`);
  try {
    const img = await s.o.image(cmd.from);
    return { kind: "layers", state: img, key: `image:${img.id}` };
  } catch (e) {
    if (!isHoistError(e, "NOT_FOUND")) throw e;
    throw new HoistError(
      "NOT_FOUND",
      `--from=${cmd.from} is not a stage of this Dockerfile, nor an image: ${e.message}`,
      { cause: e },
    );
  }
}

interface ContextSource {
  src: string;
  entry: ContextEntry;
  name: string;
  digest: string;
}

function contextSources(s: Session, cmd: FileInstruction, exclude: PatternMatcher | undefined): ContextSource[] {
  const out: ContextSource[] = [];
  for (const src of cmd.sources) {
    if (isUrl(src)) continue;
    const entries = s.o.context.expand(src);
    for (const entry of entries) {
      const name = entries.length === 1 && !/[*?[]/.test(src) ? baseName(src) : baseName(entry.rel);
      out.push({ src, entry, name, digest: s.o.hasher.sourceDigest(s.o.context, entry, exclude) });
    }
  }
  return out;
}

function baseName(p: string): string {
  const parts = p.split("/").filter((x) => x !== "" && x !== ".");
  return parts.at(-1) ?? "";
}

function historyLine(cmd: FileInstruction): string {
  const parts = [cmd.kind === "add" ? "ADD" : "COPY"];
  if (cmd.kind === "copy" && cmd.parents) parts.push("--parents");
  if (cmd.chown) parts.push(`--chown=${cmd.chown}`);
  if (cmd.chmod) parts.push(`--chmod=${cmd.chmod}`);
  parts.push(...cmd.sources, ...cmd.sourceContents.map((c) => `<<${c.path}`), cmd.dest);
  return `${parts.join(" ")} # buildkit`;
}

function checkAdd(cmd: FileInstruction): void {
  if (cmd.kind !== "add") return;
  if (cmd.checksum !== "") {
    if (cmd.sources.length !== 1)
      throw new HoistError("INVALID_ARGUMENT", "checksum can't be specified for multiple sources");
    if (!isUrl(cmd.sources[0] ?? ""))
      throw new HoistError("INVALID_ARGUMENT", "checksum requires HTTP(S) or Git sources");
  }
  for (const src of cmd.sources) {
    if (/^git@|\.git(#.*)?$|^git:\/\//.test(src))
      throw new HoistError("UNSUPPORTED", `git sources are not supported: ${src}`);
  }
}

export async function copyStep(s: Session, st: StageState, cmd: FileInstruction, id: number): Promise<void> {
  if (cmd.kind === "copy") {
    for (const src of cmd.sources)
      if (isUrl(src)) throw new HoistError("INVALID_ARGUMENT", "source can't be a URL for COPY");
  }
  checkAdd(cmd);
  const dest = destPath(containerConfig(st).WorkingDir, cmd.dest);
  const chmod = parseChmod(cmd.chmod);
  const count = cmd.sources.length + cmd.sourceContents.length;
  if (count > 1 && !dest.endsWith("/")) {
    const what = cmd.kind === "add" ? "ADD" : "COPY";
    throw new HoistError(
      "INVALID_ARGUMENT",
      `When using ${what} with more than one source file, the destination must be a directory and end with a /`,
    );
  }
  const exclude = cmd.exclude.length > 0 ? new PatternMatcher(cmd.exclude) : undefined;
  const from = await resolveFrom(s, cmd, st.stage.index);
  const ctxSources = from.kind === "context" ? contextSources(s, cmd, exclude) : [];
  const urls: Downloaded[] = [];
  if (cmd.kind === "add") {
    for (const src of cmd.sources) if (isUrl(src)) urls.push(await download(s, src, cmd.checksum));
  }
  // --link: the layer does not depend on what is below it (unless --chown names a user of the image), so
  // its key does not either, and a changed base does not invalidate it; later steps still chain.
  const independent = cmd.link && !/[^0-9:]/.test(cmd.chown);
  const key = stepKey(independent ? "link" : st.fsKey, {
    op: cmd.kind,
    dest,
    chown: cmd.chown,
    chmod: cmd.chmod,
    link: cmd.link,
    parents: cmd.kind === "copy" && cmd.parents,
    exclude: cmd.exclude,
    unpack: cmd.kind === "add" ? (cmd.unpack ?? null) : null,
    from: from.kind === "context" ? null : from.key,
    sources: from.kind === "context" ? ctxSources.map((c) => [c.src, c.entry.rel, c.name, c.digest]) : cmd.sources,
    urls: urls.map((u) => [u.url, u.digest]),
    contents: cmd.sourceContents.map((c) => [c.path, sha256Hex(c.data)]),
    epoch: s.o.epoch?.sec ?? null,
  });
  const chain = independent ? stepKey(st.fsKey, { op: "link", key }) : key;
  await s.layerStep(st, { id, key, chain, createdBy: historyLine(cmd) }, async () => {
    // With --link the destination is not looked up in the image; names in --chown still are.
    const view = !cmd.link || cmd.chown !== "" ? await s.view(st.layers) : undefined;
    const fromView = from.kind === "layers" ? await s.view(from.state.layers) : undefined;
    try {
      const sources = await buildSources(s, cmd, ctxSources, fromView, urls);
      const chown = cmd.chown === "" ? undefined : resolveOwner(cmd.chown, view?.path);
      const entries = copyEntries(
        {
          dest,
          sources,
          ...(chown ? { chown } : {}),
          ...(chmod !== undefined ? { chmod } : {}),
          ...(s.o.epoch ? { epoch: s.o.epoch } : {}),
          now: s.nowTimestamp(),
          ...(exclude ? { exclude } : {}),
        },
        cmd.link ? undefined : view?.path,
      );
      return await writeLayer(s.o.store, s.o.cache, entries, s.o.signal);
    } finally {
      view?.release();
      fromView?.release();
    }
  });
}

async function buildSources(
  s: Session,
  cmd: FileInstruction,
  ctxSources: ContextSource[],
  fromView: RootfsView | undefined,
  urls: Downloaded[],
): Promise<CopySource[]> {
  const sources: CopySource[] = [];
  const parents = cmd.kind === "copy" && cmd.parents;
  if (fromView !== undefined) {
    const fsv = new BuildContext(fromView.path, { absoluteLinks: "root" });
    for (const src of cmd.sources) {
      const entries = fsv.expand(src);
      if (entries.length === 0 && !/[*?[]/.test(src))
        throw new HoistError("NOT_FOUND", `"/${src.replace(/^\/+/, "")}": not found`);
      for (const entry of entries) {
        const name = entries.length === 1 && !/[*?[]/.test(src) ? baseName(src) : baseName(entry.rel);
        sources.push({
          type: "tree",
          fs: fsv,
          entry,
          name,
          keepOwner: true,
          ...(parents ? { parents: parentsPath(src, entry.rel) } : {}),
        });
      }
    }
  }
  for (const c of ctxSources) {
    if (cmd.kind === "add" && cmd.unpack !== false && c.entry.st.isFile()) {
      const unpacked = await archiveSource(s, c.entry.abs);
      if (unpacked !== undefined) {
        sources.push({
          type: "tree",
          fs: new BuildContext(unpacked),
          entry: rootEntry(unpacked),
          name: c.name,
          keepOwner: true,
        });
        continue;
      }
    }
    sources.push({
      type: "tree",
      fs: s.o.context,
      entry: c.entry,
      name: c.name,
      keepOwner: false,
      ...(parents ? { parents: parentsPath(c.src, c.entry.rel) } : {}),
    });
  }
  for (const u of urls)
    sources.push({
      type: "data",
      name: u.name,
      abs: u.file,
      size: u.size,
      mode: 0o600,
      ...(u.mtime ? { mtime: u.mtime } : {}),
    });
  for (const c of cmd.sourceContents) {
    const data = Buffer.from(c.data);
    sources.push({ type: "data", name: c.path, data, size: data.length, mode: 0o644 });
  }
  return sources;
}

/** --parents keeps the path below the pivot (`a/./b/c` keeps `b/c`), or the whole path. */
function parentsPath(src: string, matched: string): string {
  const pivot = src.indexOf("/./");
  if (pivot < 0) return matched.replace(/^\/+/, "");
  const base = src.slice(0, pivot).replace(/^\/+|\/+$/g, "");
  const rel = matched.replace(/^\/+/, "");
  return base !== "" && rel.startsWith(`${base}/`) ? rel.slice(base.length + 1) : rel;
}

function rootEntry(dir: string): ContextEntry {
  const fs = new BuildContext(dir);
  const st = fs.lstat("");
  if (!st) throw new HoistError("INTERNAL", `${dir} is gone`);
  return { rel: "", abs: dir, st };
}
