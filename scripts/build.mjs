// Build: the native helper (N-API, plain gcc) and the bundled CLI (esbuild, one chunk per command).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
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
rmSync(join(root, "dist"), { recursive: true, force: true }); // no stale chunks from earlier builds
await esbuild.build({
  entryPoints: { hoist: join(root, "src/cli/main.ts"), monitor: join(root, "src/runtime/monitor-main.ts") },
  outdir: join(root, "dist"),
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
