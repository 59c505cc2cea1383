// bench/floor.ts [--runs N]: the parts of `hoist run --rm busybox true` that no engine code can make faster,
// each timed alone on this machine, next to the targets of the containers and networking issues:
// - Node itself (`node -e 0`, the Node that runs hoist);
// - the OCI runtime: `runc run` of a prepared busybox bundle (rootfs directory, no network namespace set-up)
//   followed by `runc delete`;
// - the CNI plugins hoist must call for the bridge network: `ip netns add`, ADD of loopback and of the
//   bridge (host-local IPAM, masquerade) → firewall list, then DEL in reverse and `ip netns delete`.
// Node + runc is a lower bound for hoist with --network none, and Node + the plugins' ADD and DEL one for the
// bridge network (the runtime may create the container while the plugins run, but the process can start only
// after ADD, and DEL comes after it exits). The podman numbers come from the same run.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, hoistBin, median, podmanArgs, repo, scratch, sh } from "./harness.ts";
import { addNetworkList, confList, delNetworkList, getNetwork, type ConfList } from "../src/network/index.ts";

const argv = process.argv.slice(2);
const runsAt = argv.indexOf("--runs");
const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 7;

function timeCmd(cmd: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd[0] as string, cmd.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
  if (r.status !== 0) throw new Error(`${cmd.join(" ")}: ${r.stderr.toString().slice(0, 500)}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function timeAsync(f: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function samples(f: () => number | Promise<number>): Promise<number> {
  await f(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await f());
  return median(xs);
}

const dir = scratch("floor");
const rows: [string, number][] = [];
try {
  sh(join(repo, "scripts/containers-conf"), []);
  const tar = sh(join(repo, "scripts/busybox-rootfs"), [], { quiet: true }).trim();
  const node = process.execPath;
  rows.push(["node -e 0", await samples(() => timeCmd([node, "-e", "0"]))]);

  // runc: the spec `runc spec` writes, with `true` as the process and no terminal.
  const bundle = join(dir, "bundle");
  mkdirSync(join(bundle, "rootfs"), { recursive: true });
  sh("tar", ["-xf", tar, "-C", join(bundle, "rootfs")]);
  sh("runc", ["spec", "--bundle", bundle]);
  const spec = JSON.parse(sh("cat", [join(bundle, "config.json")])) as {
    process: { args: string[]; terminal: boolean };
    linux: { cgroupsPath?: string };
  };
  spec.process.args = ["true"];
  spec.process.terminal = false;
  spec.linux.cgroupsPath = "hoist-floor/bench";
  writeFileSync(join(bundle, "config.json"), JSON.stringify(spec));
  const rroot = join(dir, "runc");
  let n = 0;
  rows.push([
    "runc run + runc delete (busybox true)",
    await samples(() => {
      const id = `floor-${n++}`;
      return (
        timeCmd(["runc", "--root", rroot, "run", "--bundle", bundle, id]) +
        timeCmd(["runc", "--root", rroot, "delete", "--force", id])
      );
    }),
  ]);

  // CNI: hoist's default bridge network's list without portmap (no published ports), plus loopback.
  const list: ConfList = confList(getNetwork("bridge"));
  const bridgeList = { ...list, plugins: list.plugins.filter((p) => p.type !== "portmap") };
  const lo: ConfList = { cniVersion: "1.0.0", name: "hoist-loopback", plugins: [{ type: "loopback" }] };
  let m = 0;
  const attach = async (): Promise<number> => {
    const id = `hoistfloor${process.pid}x${m++}`;
    const ns = `hoist-floor-${m}`;
    const a = { containerId: id, netns: `/run/netns/${ns}`, ifName: "eth0" };
    let result: unknown;
    const add = await timeAsync(async () => {
      sh("ip", ["netns", "add", ns]);
      [, result] = await Promise.all([addNetworkList(lo, { ...a, ifName: "lo" }), addNetworkList(bridgeList, a)]);
    });
    const del = await timeAsync(async () => {
      await delNetworkList(bridgeList, a, result);
      sh("ip", ["netns", "delete", ns]);
    });
    addTimes.push(add);
    delTimes.push(del);
    return add + del;
  };
  const addTimes: number[] = [];
  const delTimes: number[] = [];
  const cniTotal = await samples(attach);
  rows.push(["CNI ADD (netns, loopback ‖ bridge → firewall)", median(addTimes.slice(1))]);
  rows.push(["CNI DEL (firewall → bridge, netns)", median(delTimes.slice(1))]);

  // The peers, same machine, same run.
  const proot = join(dir, "podman");
  mkdirSync(proot, { recursive: true });
  const p = ["podman", ...podmanArgs(proot)];
  sh(p[0] as string, [...p.slice(1), "import", tar, "busybox:latest"], { quiet: true });
  const podman = (net: string): Promise<number> =>
    samples(() => timeCmd([...p, "run", "--rm", "--network", net, "busybox", "true"]));
  const podNone = await podman("none");
  const podBridge = await podman("bridge");
  const hroot = join(dir, "hoist");
  sh(hoistBin, ["--root", hroot, "import", tar, "busybox:latest"], { quiet: true });
  const hoist = (net: string): Promise<number> =>
    samples(() => timeCmd([hoistBin, "--root", hroot, "run", "--rm", "--network", net, "busybox", "true"]));
  const hoistNone = await hoist("none");
  const hoistBridge = await hoist("bridge");
  try {
    sh(p[0] as string, [...p.slice(1), "system", "reset", "-f"], { quiet: true });
  } catch {
    /* nothing to reset */
  }

  const f = (x: number): string => x.toFixed(1).padStart(8);
  const out: string[] = ["component (median of runs)                          ms"];
  for (const [name, ms] of rows) out.push(`${name.padEnd(48)}${f(ms)}`);
  const node0 = rows[0]?.[1] ?? 0;
  const runc = rows[1]?.[1] ?? 0;
  out.push("");
  out.push(`--network none:   floor (node + runc)        ${f(node0 + runc)}`);
  out.push(`                  hoist                      ${f(hoistNone)}`);
  out.push(`                  podman                     ${f(podNone)}   0.4x target = ${f(podNone * 0.4)}`);
  // runc create can run while the plugins ADD (hoist does that), so the bridge floor leaves runc out.
  out.push(`--network bridge: floor (node + CNI ADD, DEL) ${f(node0 + cniTotal)}`);
  out.push(`                  hoist                      ${f(hoistBridge)}`);
  out.push(`                  podman (netavark)          ${f(podBridge)}   0.5x target = ${f(podBridge * 0.5)}`);
  process.stdout.write(`${out.join("\n")}\n`);
} finally {
  rmSync(join(dir, "runc"), { recursive: true, force: true });
  cleanup(dir);
}
