// Bench case of the networking issue: `run --rm busybox true` on the default bridge network (CNI: netns,
// bridge + host-local + portmap + firewall, then teardown) against podman on its default network.
import { join } from "node:path";
import { busyboxImages, cleanup, hoistBin, podmanArgs, scratch, sh, type BenchCase } from "../harness.ts";

export function networkCases(): BenchCase[] {
  const dir = scratch("network");
  const hroot = join(dir, "hoist");
  const images = busyboxImages(dir, hroot);
  return [
    {
      name: "run --rm --network bridge busybox true",
      peer: "podman",
      target: 0.5,
      setup: images,
      hoist: { cmd: () => [hoistBin, "--root", hroot, "run", "--rm", "--network", "bridge", "busybox", "true"] },
      other: { cmd: () => ["podman", ...podmanArgs(dir), "run", "--rm", "--network", "bridge", "busybox", "true"] },
      teardown: () => {
        try {
          sh("podman", [...podmanArgs(dir), "system", "reset", "-f"], { quiet: true });
        } catch {
          /* nothing to reset */
        }
        cleanup(dir);
      },
    },
  ];
}
