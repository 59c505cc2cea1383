// Bench cases of the store issue: import, images with 200 images, save and load of a 70 MB image.
import { writeFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { cleanup, hoistBin, podmanArgs, repo, scratch, sh, type BenchCase } from "../harness.ts";

function busyboxTar(): string {
  return sh(join(repo, "scripts/busybox-rootfs"), [], { quiet: true }).trim();
}

/** A ~70 MB rootfs: busybox plus a 64 MB file and 2,000 small files. */
function bigTar(dir: string): string {
  const root = join(dir, "big-rootfs");
  mkdirSync(join(root, "data/small"), { recursive: true });
  sh("tar", ["-xf", busyboxTar(), "-C", root]);
  writeFileSync(join(root, "data/big.bin"), randomBytes(64 << 20));
  for (let i = 0; i < 2000; i++)
    writeFileSync(join(root, "data/small", `f${i}.txt`), `file ${i}\n`.repeat(1 + (i % 50)));
  const out = join(dir, "big.tar");
  sh("tar", ["--numeric-owner", "-C", root, "-cf", out, "."]);
  rmSync(root, { recursive: true, force: true });
  return out;
}

export function storeCases(): BenchCase[] {
  const dir = scratch("store");
  const hroot = join(dir, "hoist");
  const h = (...a: string[]): string[] => [hoistBin, "--root", hroot, ...a];
  const p = (...a: string[]): string[] => ["podman", ...podmanArgs(dir), ...a];
  const bb = busyboxTar();
  let big = "";
  const cases: BenchCase[] = [
    {
      name: "import busybox tarball",
      peer: "podman",
      target: 1.3,
      hoist: { cmd: () => h("import", bb, "bench/bb:latest") },
      other: { cmd: () => p("import", bb, "bench/bb:latest") },
    },
    {
      name: "images (200 images)",
      peer: "podman",
      target: 1.3,
      setup: () => {
        const tdir = join(dir, "tiny");
        mkdirSync(tdir, { recursive: true });
        for (let i = 0; i < 200; i++) {
          const f = join(tdir, `f${i}`);
          writeFileSync(f, `image ${i}\n`);
          const tar = join(tdir, `t${i}.tar`);
          sh("tar", ["-C", tdir, "-cf", tar, `f${i}`]);
          sh(hoistBin, ["--root", hroot, "import", tar, `bench/many:${i}`], { quiet: true });
          sh("podman", [...podmanArgs(dir), "import", tar, `bench/many:${i}`], { quiet: true });
        }
      },
      hoist: { cmd: () => h("images") },
      other: { cmd: () => p("images") },
    },
    {
      name: "save 70 MB image",
      peer: "podman",
      target: 1.0,
      setup: () => {
        big = bigTar(dir);
        sh(hoistBin, ["--root", hroot, "import", big, "bench/big:latest"], { quiet: true });
        sh("podman", [...podmanArgs(dir), "import", big, "bench/big:latest"], { quiet: true });
      },
      hoist: {
        before: () => rmSync(join(dir, "h-save.tar"), { force: true }),
        cmd: () => h("save", "-o", join(dir, "h-save.tar"), "bench/big:latest"),
      },
      other: {
        before: () => rmSync(join(dir, "p-save.tar"), { force: true }),
        cmd: () => p("save", "-o", join(dir, "p-save.tar"), "bench/big:latest"),
      },
    },
    {
      name: "load 70 MB image",
      peer: "podman",
      target: 1.0,
      hoist: {
        before: () => sh(hoistBin, ["--root", hroot, "rmi", "-f", "bench/big:latest"], { quiet: true }),
        cmd: () => h("load", "-i", join(dir, "h-save.tar")),
      },
      other: {
        before: () => sh("podman", [...podmanArgs(dir), "rmi", "-f", "bench/big:latest"], { quiet: true }),
        cmd: () => p("load", "-i", join(dir, "p-save.tar")),
      },
      teardown: () => {
        sh("podman", [...podmanArgs(dir), "system", "reset", "-f"], { quiet: true });
        cleanup(dir);
      },
    },
  ];
  return cases;
}
