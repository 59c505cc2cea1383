// Bench cases of the containers issue: `run --rm busybox true`, and `commit` of a container that wrote
// 2,000 small files and a 64 MB file, against podman with a private store.
import { join } from "node:path";
import { busyboxImages, cleanup, hoistBin, podmanArgs, scratch, sh, type BenchCase } from "../harness.ts";

const fill =
  "mkdir -p /data/small && dd if=/dev/urandom of=/data/big.bin bs=1048576 count=64 2>/dev/null && " +
  'i=0; while [ $i -lt 2000 ]; do echo "file $i" > /data/small/f$i.txt; i=$((i+1)); done';

export function containerCases(): BenchCase[] {
  const dir = scratch("containers");
  const hroot = join(dir, "hoist");
  const h = (...a: string[]): string[] => [hoistBin, "--root", hroot, ...a];
  const p = (...a: string[]): string[] => ["podman", ...podmanArgs(dir), ...a];
  const quiet = (cmd: string[]): void => {
    try {
      sh(cmd[0] as string, cmd.slice(1), { quiet: true });
    } catch {
      /* e.g. nothing to remove yet */
    }
  };
  const images = busyboxImages(dir, hroot);
  return [
    {
      name: "run --rm busybox true",
      peer: "podman",
      target: 0.4,
      setup: images,
      hoist: { cmd: () => h("run", "--rm", "busybox", "true") },
      other: { cmd: () => p("run", "--rm", "busybox", "true") },
    },
    // The same with the network modes the containers issue itself has (no bridge): what is left is the
    // runtime and the engine, without the CNI plugins' cost on either side.
    ...["none", "host"].map((mode): BenchCase => ({
      name: `run --rm --network ${mode} busybox true`,
      peer: "podman",
      target: 0.4,
      setup: images,
      hoist: { cmd: () => h("run", "--rm", "--network", mode, "busybox", "true") },
      other: { cmd: () => p("run", "--rm", "--network", mode, "busybox", "true") },
    })),
    {
      name: "commit (2,000 files + 64 MB)",
      peer: "podman",
      target: 0.7,
      setup: () => {
        images();
        sh(hoistBin, ["--root", hroot, "run", "--name", "benchc", "busybox", "sh", "-c", fill], { quiet: true });
        sh("podman", [...podmanArgs(dir), "run", "--name", "benchc", "busybox", "sh", "-c", fill], { quiet: true });
      },
      hoist: {
        before: () => quiet(h("rmi", "bench/committed:latest")),
        cmd: () => h("commit", "benchc", "bench/committed:latest"),
      },
      other: {
        before: () => quiet(p("rmi", "bench/committed:latest")),
        cmd: () => p("commit", "-q", "benchc", "bench/committed:latest"),
      },
      teardown: () => {
        quiet(h("rm", "-f", "benchc"));
        quiet(p("rm", "-f", "benchc"));
        quiet(["podman", ...podmanArgs(dir), "system", "reset", "-f"]);
        cleanup(dir);
      },
    },
  ];
}
