// Garbage collection: mark every blob that a manifest references (manifests kept are all revisions, or with
// deleteUntagged those reachable from tags), then sweep unmarked blobs older than a grace period. Safe while the
// server runs: uploads, links and manifest pushes touch their blobs, and the grace period protects anything fresh.
import { isDigest } from "../oci/index.ts";
import type { Digest } from "../oci/index.ts";
import type { StorageDriver } from "./storage/driver.ts";
import {
  blobDir,
  blobKey,
  blobsRoot,
  layerLinkKey,
  layerLinksKey,
  referrerKey,
  referrersKey,
  repositoriesRoot,
  revisionKey,
  revisionsKey,
  tagKey,
  tagsKey,
  uploadDataKey,
  uploadKey,
  uploadsRoot,
} from "./storage/layout.ts";
import { isRepositoryName } from "./names.ts";
import { isUploadId } from "./store/uploads.ts";

export interface GcOptions {
  dryRun?: boolean;
  /** Unreferenced blobs younger than this are kept (seconds). */
  gracePeriodSeconds: number;
  /** Upload sessions idle longer than this are removed (seconds). */
  uploadPurgeAgeSeconds: number;
  /** Also delete manifests no tag reaches (directly, through an index, or as a referrer of a kept manifest). */
  deleteUntagged?: boolean;
  now?: Date;
  onEvent?: (e: GcEvent) => void;
}

export type GcEvent =
  | { kind: "blob"; digest: Digest; size: number }
  | { kind: "manifest"; repository: string; digest: Digest }
  | { kind: "upload"; id: string }
  | { kind: "link"; repository: string; digest: Digest };

export interface GcReport {
  dryRun: boolean;
  repositories: number;
  markedBlobs: number;
  deletedBlobs: { digest: Digest; size: number }[];
  deletedManifests: { repository: string; digest: Digest }[];
  deletedUploads: string[];
  deletedLinks: number;
  freedBytes: number;
}

async function listRepos(driver: StorageDriver): Promise<string[]> {
  const out: string[] = [];
  const walk = async (prefix: string, depth: number): Promise<void> => {
    const children = await driver.list(prefix === "" ? repositoriesRoot : `${repositoriesRoot}/${prefix}`);
    if (prefix !== "" && children.some((c) => c === "_manifests" || c === "_layers")) out.push(prefix);
    if (depth > 64) return;
    for (const c of children) {
      if (c.startsWith("_")) continue;
      const name = prefix === "" ? c : `${prefix}/${c}`;
      if (isRepositoryName(name)) await walk(name, depth + 1);
    }
  };
  await walk("", 0);
  return out;
}

/** Digests stored under a prefix laid out as <alg>/<hex>. */
async function digestsUnder(driver: StorageDriver, prefix: string): Promise<Digest[]> {
  const out: Digest[] = [];
  for (const alg of await driver.list(prefix))
    for (const hex of await driver.list(`${prefix}/${alg}`)) {
      const d = `${alg}:${hex}`;
      if (isDigest(d)) out.push(d);
    }
  return out;
}

interface ParsedRefs {
  blobs: Digest[];
  children: Digest[];
}

async function references(driver: StorageDriver, d: Digest): Promise<ParsedRefs | undefined> {
  const raw = await driver.getContent(blobKey(d));
  if (!raw) return undefined;
  try {
    const doc = JSON.parse(raw.toString("utf8")) as {
      config?: { digest?: unknown };
      layers?: { digest?: unknown }[];
      manifests?: { digest?: unknown }[];
    };
    const blobs = [doc.config?.digest, ...(doc.layers ?? []).map((l) => l?.digest)].filter(isDigest);
    const children = (doc.manifests ?? []).map((m) => m?.digest).filter(isDigest);
    return { blobs, children };
  } catch {
    return { blobs: [], children: [] };
  }
}

export async function collectGarbage(driver: StorageDriver, options: GcOptions): Promise<GcReport> {
  const now = (options.now ?? new Date()).getTime();
  const dryRun = options.dryRun ?? false;
  const graceMs = options.gracePeriodSeconds * 1000;
  const fresh = (t: Date | undefined): boolean => t !== undefined && now - t.getTime() < graceMs;
  const emit = options.onEvent ?? (() => {});
  const report: GcReport = {
    dryRun,
    repositories: 0,
    markedBlobs: 0,
    deletedBlobs: [],
    deletedManifests: [],
    deletedUploads: [],
    deletedLinks: 0,
    freedBytes: 0,
  };
  const marked = new Set<string>();
  const links = new Map<string, string[]>(); // blob digest -> repositories linking it

  const repos = await listRepos(driver);
  report.repositories = repos.length;
  for (const repo of repos) {
    for (const d of await digestsUnder(driver, layerLinksKey(repo))) links.set(d, [...(links.get(d) ?? []), repo]);
    const revisions = await digestsUnder(driver, revisionsKey(repo));
    const keep = new Set<Digest>(revisions);
    if (options.deleteUntagged) {
      keep.clear();
      const queue: Digest[] = [];
      for (const tag of await driver.list(tagsKey(repo))) {
        const d = (await driver.getContent(tagKey(repo, tag)))?.toString("utf8");
        if (isDigest(d)) queue.push(d);
      }
      for (const d of revisions) if (fresh((await driver.stat(revisionKey(repo, d)))?.modTime)) queue.push(d);
      while (queue.length > 0) {
        const d = queue.pop() as Digest;
        if (keep.has(d) || !revisions.includes(d)) continue;
        keep.add(d);
        queue.push(...((await references(driver, d))?.children ?? []));
        for (const entry of await driver.list(referrersKey(repo, d))) {
          const r = entry.replace("-", ":");
          if (isDigest(r)) queue.push(r);
        }
      }
      for (const d of revisions) {
        if (keep.has(d)) continue;
        report.deletedManifests.push({ repository: repo, digest: d });
        emit({ kind: "manifest", repository: repo, digest: d });
        if (!dryRun) await deleteRevision(driver, repo, d);
      }
    }
    for (const d of keep) {
      marked.add(d);
      const refs = await references(driver, d);
      for (const b of refs?.blobs ?? []) marked.add(b);
      for (const c of refs?.children ?? []) marked.add(c);
    }
  }
  report.markedBlobs = marked.size;

  for (const d of await allBlobs(driver)) {
    if (marked.has(d)) continue;
    const info = await driver.stat(blobKey(d));
    if (!info || fresh(info.modTime)) continue;
    report.deletedBlobs.push({ digest: d, size: info.size });
    report.freedBytes += info.size;
    emit({ kind: "blob", digest: d, size: info.size });
    for (const repo of links.get(d) ?? []) {
      report.deletedLinks++;
      emit({ kind: "link", repository: repo, digest: d });
      if (!dryRun) await driver.delete(layerLinkKey(repo, d));
    }
    if (!dryRun) {
      // Re-check right before deleting: a push may have touched it since the mark.
      const again = await driver.stat(blobKey(d));
      if (again && !fresh(again.modTime)) await driver.delete(blobDir(d));
    }
  }

  const purgeMs = options.uploadPurgeAgeSeconds * 1000;
  for (const id of (await driver.list(uploadsRoot)).filter(isUploadId)) {
    const info = (await driver.stat(uploadDataKey(id))) ?? (await driver.stat(uploadKey(id)));
    if (info && now - info.modTime.getTime() < purgeMs) continue;
    report.deletedUploads.push(id);
    emit({ kind: "upload", id });
    if (!dryRun) await driver.delete(uploadKey(id));
  }
  return report;
}

async function allBlobs(driver: StorageDriver): Promise<Digest[]> {
  const out: Digest[] = [];
  for (const alg of await driver.list(blobsRoot))
    for (const prefix of await driver.list(`${blobsRoot}/${alg}`))
      for (const hex of await driver.list(`${blobsRoot}/${alg}/${prefix}`)) {
        const d = `${alg}:${hex}`;
        if (isDigest(d)) out.push(d);
      }
  return out;
}

async function deleteRevision(driver: StorageDriver, repo: string, d: Digest): Promise<void> {
  const meta = (await driver.getContent(revisionKey(repo, d)))?.toString("utf8");
  const subject = meta ? (JSON.parse(meta) as { subject?: unknown }).subject : undefined;
  if (isDigest(subject)) await driver.delete(referrerKey(repo, subject, d));
  for (const tag of await driver.list(tagsKey(repo)))
    if ((await driver.getContent(tagKey(repo, tag)))?.toString("utf8") === d) await driver.delete(tagKey(repo, tag));
  await driver.delete(revisionKey(repo, d));
}
