// Build: the native helper (N-API, plain gcc) and the bundled CLI (esbuild, one chunk per command).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "native/hoist.c");
const out = join(root, "build/hoist.node");
const headers = ["/usr/include/node", "/usr/local/include/node"].find((d) => existsSync(join(d, "node_api.h")));
if (!headers) throw new Error("node_api.h not found: install Debian's libnode-dev (scripts/setup does)");
if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) {
  mkdirSync(dirname(out), { recursive: true });
  execFileSync(
    "gcc",
    ["-O2", "-Wall", "-Werror", "-shared", "-fPIC", "-DNODE_GYP_MODULE_NAME=hoist", `-I${headers}`, src, "-o", out],
    { stdio: "inherit" },
  );
}

const esbuild = await import("esbuild");
// Build into a fresh directory and swap it in: no stale chunks from earlier builds, and no moment without a
// dist/ for hoist processes that are running meanwhile (tests, a monitor).
const dist = join(root, "dist");
const next = join(root, `.dist-${process.pid}`);
const old = join(root, `.dist-old-${process.pid}`);
rmSync(next, { recursive: true, force: true });
await esbuild.build({
  entryPoints: { hoist: join(root, "src/cli/main.ts"), monitor: join(root, "src/runtime/monitor-main.ts") },
  outdir: next,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  minifyWhitespace: process.env.HOIST_DEBUG_BUILD !== "1",
  minifySyntax: true,
  sourcemap: false,
  chunkNames: "[name]-[hash]",
  logLevel: "warning",
  banner: {
    js: "import{createRequire as __hoistRequire}from'node:module';const require=__hoistRequire(import.meta.url);",
  },
});
if (existsSync(dist)) renameSync(dist, old);
renameSync(next, dist);
rmSync(old, { recursive: true, force: true, maxRetries: 5 });
