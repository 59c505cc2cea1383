// Extraction benchmark: a layer of ~5,000 small files plus one 64 MiB file, gzip-compressed, extracted
// (with its diffID) into fresh directories. Run: node src/streams/layer.bench.ts [runs]
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { compress, createLayer, decompress, extractLayer } from "./index.ts";

const runs = Number(process.argv[2] ?? 3);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "hoist-bench-"));
try {
  const tree = path.join(work, "tree");
  const words = ["alpha", "beta", "gamma", "delta", "kernel", "lib", "void", "int", "return"];
  for (let d = 0; d < 100; d++) {
    const dir = path.join(tree, "usr/lib", `pkg${d}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 50; f++) {
      const size = 100 + (((d * 50 + f) * 7919) % 7900);
      let text = "";
      for (let i = 0; text.length < size; i++) text += `${words[(d + f + i) % words.length]}${(i * 31) % 1000} `;
      fs.writeFileSync(path.join(dir, `file${f}.txt`), text.slice(0, size));
    }
  }
  fs.mkdirSync(path.join(tree, "opt"));
  fs.writeFileSync(path.join(tree, "opt/big.bin"), randomBytes(64 << 20));
  const c0 = performance.now();
  let tarBytes = 0;
  for await (const chunk of createLayer(tree, { mode: "rootfs" })) tarBytes += (chunk as Buffer).length;
  const cms = performance.now() - c0;
  console.log(
    `createLayer: ${(tarBytes / 1e6).toFixed(1)} MB in ${cms.toFixed(0)} ms: ${(tarBytes / 1e3 / cms).toFixed(0)} MB/s`,
  );
  const layer = path.join(work, "layer.tar.gz");
  await pipeline(
    compress(createLayer(tree, { mode: "rootfs", truncateMtime: true }), "gzip", { level: 1 }),
    fs.createWriteStream(layer),
  );
  console.log(`layer: ${(fs.statSync(layer).size / 1e6).toFixed(1)} MB gzip`);
  for (let i = 0; i < runs; i++) {
    execFileSync("sync"); // start each run without earlier runs' writeback in flight
    const t0 = performance.now();
    const { stream } = await decompress(fs.createReadStream(layer, { highWaterMark: 1 << 20 }));
    const s = await extractLayer(stream, path.join(work, `out${i}`));
    const secs = (performance.now() - t0) / 1000;
    const mb = s.bytes / 1e6;
    console.log(
      `${s.entries} entries, ${mb.toFixed(1)} MB in ${(secs * 1000).toFixed(0)} ms: ${(mb / secs).toFixed(0)} MB/s, ${(s.entries / secs).toFixed(0)} entries/s`,
    );
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
