// One suite every layout transport runs (docker-archive, oci-archive, oci-layout): write with its sink through
// copy(), read back with its source, and check IDs, names, diffIDs, dedup, determinism and failure cleanup.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import { copy } from "../../copy/index.ts";
import { isHoistError } from "../../errors.ts";
import { sha256 } from "../../oci/index.ts";
import type { ImageSink, ImageSource, SourceImage } from "../types.ts";
import { makeImage, memSource, summarize, tempDir } from "./test-helpers.ts";

export interface TransportUnderTest {
  name: string;
  sink(place: string): ImageSink;
  source(place: string): ImageSource;
  /** Files a place holds, relative path → bytes (one entry for an archive file). */
  snapshot(place: string): Map<string, Buffer>;
}

export function runConformance(t: TransportUnderTest): void {
  const images = async () => [
    await makeImage([{ "etc/base": "base" }, { "app/one": "1" }], {
      names: ["docker.io/library/one:latest"],
      seed: "1",
    }),
    await makeImage([{ "etc/base": "base" }, { "app/two": "2" }], {
      names: ["localhost:5000/x/two:v2", "docker.io/library/two:latest"],
      seed: "2",
    }),
    await makeImage([{ "untagged/file": "u" }], { seed: "3" }),
  ];

  test(`${t.name}: images round-trip with their IDs, names and diffIDs`, async (tc) => {
    const place = path.join(tempDir(tc), "out");
    const imgs = await images();
    const ids = await copy(memSource(imgs), t.sink(place));
    assert.deepEqual(
      ids,
      imgs.map((i) => sha256(i.config)),
    );
    const got = await summarize(t.source(place));
    assert.deepEqual(
      got.map((s) => ({ ...s, names: [...s.names].sort() })),
      imgs.map((i) => ({ id: sha256(i.config), names: [...i.names].sort(), diffIds: i.tars.map((x) => sha256(x)) })),
    );
  });

  test(`${t.name}: gzip layers without a known uncompressed size`, async (tc) => {
    const place = path.join(tempDir(tc), "out");
    const imgs = [
      await makeImage([{ a: "a".repeat(5000) }, { b: "b" }], {
        names: ["docker.io/library/gz:1"],
        compression: "gzip",
      }),
    ];
    await copy(memSource(imgs, { hideSizes: true }), t.sink(place));
    const [got] = await summarize(t.source(place));
    assert.deepEqual(
      got?.diffIds,
      imgs[0]?.tars.map((x) => sha256(x)),
    );
    assert.deepEqual(got?.names, ["docker.io/library/gz:1"]);
  });

  test(`${t.name}: a shared layer is stored once`, async (tc) => {
    const place = path.join(tempDir(tc), "out");
    await copy(memSource(await images()), t.sink(place));
    const snap = [...t.snapshot(place).values()];
    const base = (await makeImage([{ "etc/base": "base" }])).tars[0] as Buffer;
    const count = snap.reduce((n, bytes) => n + occurrences(bytes, base), 0);
    assert.equal(count, 1);
  });

  test(`${t.name}: the same images give the same bytes`, async (tc) => {
    const dir = tempDir(tc);
    await copy(memSource(await images()), t.sink(path.join(dir, "a")));
    await copy(memSource(await images()), t.sink(path.join(dir, "b")));
    assert.deepEqual(t.snapshot(path.join(dir, "a")), t.snapshot(path.join(dir, "b")));
  });

  test(`${t.name}: a failed copy leaves nothing behind`, async (tc) => {
    const dir = tempDir(tc);
    const place = path.join(dir, "out");
    await assert.rejects(copy(memSource(await images(), { corruptLayer: 1 }), t.sink(place)), (e) =>
      isHoistError(e, "DIGEST_INVALID"),
    );
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  test(`${t.name}: cancelling a copy part-way stops it and leaves nothing behind`, async (tc) => {
    const dir = tempDir(tc);
    const ac = new AbortController();
    const [img] = await images();
    const source = memSource(img ? [img] : []);
    const stalled: ImageSource = {
      description: "stalled",
      images: async () =>
        (await source.images()).map((i): SourceImage => ({
          ...i,
          // one chunk, then nothing: only cancellation can end this copy
          openLayer: async () => {
            const r = new Readable({ read() {} });
            r.push(Buffer.alloc(10));
            return r;
          },
        })),
      close: async () => undefined,
    };
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(copy(stalled, t.sink(path.join(dir, "out")), { signal: ac.signal }));
    assert.deepEqual(fs.readdirSync(dir), []);
  });
}

function occurrences(haystack: Buffer, needle: Buffer): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) n++;
  return n;
}

/** Snapshot of a single file. */
export function fileSnapshot(place: string): Map<string, Buffer> {
  return new Map([["archive", fs.readFileSync(place)]]);
}

/** Snapshot of a directory tree. */
export function treeSnapshot(place: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string) => {
    for (const e of fs
      .readdirSync(path.join(place, rel), { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else out.set(r, fs.readFileSync(path.join(place, r)));
    }
  };
  walk("");
  return out;
}
