import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { copy } from "../../copy/index.ts";
import { isHoistError } from "../../errors.ts";
import { sha256 } from "../../oci/index.ts";
import { makeImage, memSource, summarize, tarEntries, tempDir } from "../archive-common/test-helpers.ts";
import { createDockerArchiveSink, openDockerArchiveSource } from "../docker-archive/index.ts";
import { createOciArchiveSink, openOciArchiveSource } from "./index.ts";

test("oci-archive → docker-archive → oci-archive keeps IDs, names and diffIDs; a stream input works", async (t) => {
  const dir = tempDir(t);
  const img = await makeImage([{ a: "1" }, { b: "2" }], { names: ["quay.io/x/y:2"], compression: "gzip" });
  const want = [{ id: sha256(img.config), names: ["quay.io/x/y:2"], diffIds: img.tars.map((x) => sha256(x)) }];
  await copy(memSource([img]), createOciArchiveSink(path.join(dir, "a.tar")));
  await copy(openOciArchiveSource(path.join(dir, "a.tar")), createDockerArchiveSink(path.join(dir, "b.tar")));
  await copy(openDockerArchiveSource(path.join(dir, "b.tar")), createOciArchiveSink(path.join(dir, "c.tar")));
  assert.deepEqual(await summarize(openOciArchiveSource(path.join(dir, "c.tar"))), want);
  const gz = gzipSync(fs.readFileSync(path.join(dir, "a.tar")));
  assert.deepEqual(await summarize(openOciArchiveSource(Readable.from([gz]), { tmpDir: dir })), want);
});

test("corrupt and truncated OCI archives are BAD_ARCHIVE", async (t) => {
  const dir = tempDir(t);
  const img = await makeImage([{ a: "x".repeat(4000) }], { names: ["quay.io/x/y:2"] });
  await copy(memSource([img]), createOciArchiveSink(path.join(dir, "good.tar")));
  const good = fs.readFileSync(path.join(dir, "good.tar"));
  const cases: Record<string, Buffer> = {
    truncated: good.subarray(0, 3000),
    "no index.json": await tarEntries([{ name: "oci-layout", body: '{"imageLayoutVersion":"1.0.0"}' }]),
    "no oci-layout": await tarEntries([{ name: "index.json", body: '{"schemaVersion":2,"manifests":[]}' }]),
    "index.json not JSON": await tarEntries([
      { name: "oci-layout", body: '{"imageLayoutVersion":"1.0.0"}' },
      { name: "index.json", body: "{" },
    ]),
    "missing manifest blob": await tarEntries([
      { name: "oci-layout", body: '{"imageLayoutVersion":"1.0.0"}' },
      {
        name: "index.json",
        body: JSON.stringify({
          schemaVersion: 2,
          manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: sha256("x"), size: 1 }],
        }),
      },
    ]),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    const file = path.join(dir, `${name}.tar`);
    fs.writeFileSync(file, bytes);
    await assert.rejects(summarize(openOciArchiveSource(file)), (e) => isHoistError(e, "BAD_ARCHIVE"), name);
  }
});
