// Bench cases of the build issue: a context with one 64 MB file and 2,000 small files, a Dockerfile of 8 steps
// with a RUN, built on busybox: a fully cached rebuild vs `podman build`, and an uncached build vs
// `podman build --no-cache` (both sides with private stores).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { cleanup, hoistBin, podmanArgs, repo, scratch, sh, type BenchCase } from "../harness.ts";

const DOCKERFILE = `FROM busybox
ENV APP=/app
WORKDIR /app
COPY big.bin /app/big.bin
COPY small/ /app/small/
RUN ls /app/small | wc -l > /app/count && echo built > /app/done
EXPOSE 8080
CMD ["cat", "/app/count"]
`;

export function buildCases(): BenchCase[] {
  const dir = scratch("build");
  const ctx = join(dir, "ctx");
  const hroot = join(dir, "hoist");
  const h = (...a: string[]): string[] => [hoistBin, "--root", hroot, ...a];
  const p = (...a: string[]): string[] => ["podman", ...podmanArgs(dir), ...a];
  const prepare = (): void => {
    if (existsSync(join(ctx, "Dockerfile"))) return;
    mkdirSync(join(ctx, "small"), { recursive: true });
    writeFileSync(join(ctx, "big.bin"), randomBytes(64 << 20));
    for (let i = 0; i < 2000; i++) writeFileSync(join(ctx, "small", `f${i}.txt`), `file ${i}\n`.repeat(1 + (i % 50)));
    writeFileSync(join(ctx, "Dockerfile"), DOCKERFILE);
    const bb = sh(join(repo, "scripts/busybox-rootfs"), [], { quiet: true }).trim();
    sh(hoistBin, ["--root", hroot, "import", bb, "busybox:latest"], { quiet: true });
    sh("podman", [...podmanArgs(dir), "import", bb, "docker.io/library/busybox:latest"], { quiet: true });
  };
  return [
    {
      name: "build, fully cached (64 MB + 2,000 files, 8 steps)",
      peer: "podman build",
      target: 0.3,
      setup: () => {
        prepare();
        sh(hoistBin, ["--root", hroot, "build", "-q", "-t", "bench/app", ctx], { quiet: true });
        sh("podman", [...podmanArgs(dir), "build", "-q", "-t", "bench/app", ctx], { quiet: true });
      },
      hoist: { cmd: () => h("build", "-q", "-t", "bench/app", ctx) },
      other: { cmd: () => p("build", "-q", "-t", "bench/app", ctx) },
    },
    {
      name: "build, no cache (64 MB + 2,000 files, 8 steps)",
      peer: "podman build --no-cache",
      target: 1.0,
      setup: prepare,
      hoist: { cmd: () => h("build", "-q", "--no-cache", "-t", "bench/app", ctx) },
      other: { cmd: () => p("build", "-q", "--no-cache", "-t", "bench/app", ctx) },
      teardown: () => {
        if (existsSync(join(dir, "podman-root")))
          sh("podman", [...podmanArgs(dir), "system", "reset", "-f"], { quiet: true });
        cleanup(dir);
      },
    },
  ];
}
