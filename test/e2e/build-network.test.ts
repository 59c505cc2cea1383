// `hoist build` RUN steps on a network: by default hoist's `bridge` network through the CNI plugins (outbound
// to a server on the bridge's gateway address, an address in the bridge's subnet, resolv.conf without loopback
// resolvers), `--network none` (only lo), `--network host`, RUN --network=, a user-defined network, a cache
// key independent of the network, and nothing left behind (namespace, state, lease, iptables rule, veth) after
// a step, a failed step or Ctrl-C. Servers listen only on 127.0.0.1 or the bridge's gateway address.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { busyboxTar, have, hoist, hoistAsync, hoistBin, ok, removeDir, tempDir } from "./helpers.ts";
import { withImageFs } from "../../src/build/test-helpers.ts";

const root0 = process.getuid?.() === 0 && have("runc");
const cni = fs.existsSync("/usr/lib/cni/bridge") || fs.existsSync("/opt/cni/bin/bridge");
const skipHost = root0 ? false : "needs root and runc";
const skip = root0 && cni ? false : "needs root, runc and containernetworking-plugins (scripts/setup installs them)";
const RUN = process.env.HOIST_NETWORK_RUN_DIR || "/run/hoist/network";

let root = "";
let work = "";
let n = 0;

before(() => {
  if (skipHost) return;
  root = tempDir("hoist-buildn-");
  work = tempDir("hoist-buildn-ctx-");
  process.env.HOIST_NETWORK_DIR ??= join(work, "networks");
  ok(root, ["import", busyboxTar(), "busybox:latest"]);
});

after(() => {
  if (skipHost) return;
  removeDir(root);
  removeDir(work);
});

function context(dockerfile: string): string {
  const dir = join(work, `ctx${n++}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(join(dir, "Dockerfile"), dockerfile);
  return dir;
}

function read(image: string, path: string): string {
  return withImageFs(root, image, (d) => fs.readFileSync(join(d, path), "utf8"));
}

async function serve(host: string): Promise<{ server: Server; addr: string }> {
  const server = createServer((_q, s) => s.end("from-the-host\n"));
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  return { server, addr: `${host}:${(server.address() as AddressInfo).port}` };
}

function bridgeNet(name = "bridge"): { Subnet: string; Gateway: string } {
  const [net] = JSON.parse(ok(root, ["network", "inspect", name])) as {
    IPAM: { Config: { Subnet: string; Gateway: string }[] };
  }[];
  const c = net?.IPAM.Config[0];
  assert.ok(c, `network ${name} has an IPAM config`);
  return c;
}

function inSubnet(ip: string, cidr: string): boolean {
  const num = (a: string): number => a.split(".").reduce((x, o) => x * 256 + Number(o), 0);
  const [base, len] = cidr.split("/");
  const size = 2 ** (32 - Number(len));
  return Math.floor(num(ip) / size) === Math.floor(num(base as string) / size);
}

/** What the host still holds for a build step (its attachment ID starts with build-SHORT, SHORT its hostname). */
function leftovers(short: string, ip: string, iflink: string): string[] {
  const id = `build-${short}`;
  const out: string[] = [];
  for (const f of fs.readdirSync("/run/netns")) if (f.startsWith(`hoist-${id}`)) out.push(`netns ${f}`);
  const states = join(RUN, "containers");
  for (const f of fs.existsSync(states) ? fs.readdirSync(states) : []) if (f.startsWith(id)) out.push(`state ${f}`);
  const ipam = join(RUN, "ipam");
  for (const net of fs.existsSync(ipam) ? fs.readdirSync(ipam) : [])
    for (const f of fs.readdirSync(join(ipam, net)))
      if (f !== "lock" && !f.startsWith("last_reserved") && fs.readFileSync(join(ipam, net, f), "utf8").includes(id))
        out.push(`lease ${net}/${f}`);
  for (const l of execFileSync("iptables-save", { encoding: "utf8" }).split("\n"))
    if (l.includes(id) || (ip !== "" && l.includes(`${ip}/32 `))) out.push(l);
  if (
    iflink !== "" &&
    execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" }).match(new RegExp(`^${iflink}: `, "m"))
  )
    out.push(`veth with index ${iflink}`);
  return out;
}

const PROBE = [
  "hostname > /short",
  "ip -o -4 addr show eth0 | awk '{print $4}' | cut -d/ -f1 > /ip",
  "cat /sys/class/net/eth0/iflink > /iflink",
  "cat /etc/resolv.conf > /resolv",
  "ls /sys/class/net > /ifaces",
].join(" && ");

test(
  "default: RUN steps are on the bridge network, reach its gateway, and leave nothing behind",
  { skip },
  async () => {
    // The bridge (and its gateway address) exists once something attached: a first build does.
    const first = await hoistAsync(root, ["build", "-q", "--no-cache", context("FROM busybox\nRUN true\n")]);
    assert.equal(first.code, 0, first.stderr);
    const { Subnet, Gateway } = bridgeNet();
    const { server, addr } = await serve(Gateway);
    try {
      const dir = context(`FROM busybox\nARG SERVER\nRUN timeout 10 wget -q -O /got http://$SERVER/x && ${PROBE}\n`);
      const r = await hoistAsync(root, [
        "build",
        "--progress=plain",
        "-t",
        "bn:1",
        "--build-arg",
        `SERVER=${addr}`,
        dir,
      ]);
      assert.equal(r.code, 0, r.stderr);
    } finally {
      server.close();
    }
    assert.equal(read("bn:1", "got"), "from-the-host\n");
    const ip = read("bn:1", "ip").trim();
    assert.ok(inSubnet(ip, Subnet), `${ip} in ${Subnet}`);
    assert.deepEqual(read("bn:1", "ifaces").split(/\s+/).filter(Boolean).sort(), ["eth0", "lo"]);
    assert.doesNotMatch(read("bn:1", "resolv"), /nameserver 127\./);
    const short = read("bn:1", "short").trim();
    assert.match(short, /^[0-9a-f]{12}$/);
    assert.deepEqual(leftovers(short, ip, read("bn:1", "iflink").trim()), []);
  },
);

test(
  "--network none: only lo, the gateway unreachable; RUN --network=none in a bridge build too",
  { skip },
  async () => {
    const { Gateway } = bridgeNet();
    const { server, addr } = await serve(Gateway);
    const reach = `if timeout 5 wget -q -O /dev/null http://$SERVER/x; then echo reached; else echo unreachable; fi`;
    try {
      const dir = context(`FROM busybox\nARG SERVER\nRUN ls /sys/class/net > /ifaces && ${reach} > /result\n`);
      const none = await hoistAsync(root, ["build", "-q", "--no-cache", "-t", "bn:none", "--network", "none", "--build-arg", `SERVER=${addr}`, dir]); // prettier-ignore
      assert.equal(none.code, 0, none.stderr);
      const step = context(`FROM busybox\nARG SERVER\nRUN --network=none ls /sys/class/net > /ifaces && ${reach} > /result\nRUN ${reach} > /default\n`); // prettier-ignore
      const mixed = await hoistAsync(root, ["build", "-q", "--no-cache", "-t", "bn:step", "--build-arg", `SERVER=${addr}`, step]); // prettier-ignore
      assert.equal(mixed.code, 0, mixed.stderr);
    } finally {
      server.close();
    }
    for (const image of ["bn:none", "bn:step"]) {
      assert.equal(read(image, "ifaces").trim(), "lo");
      assert.equal(read(image, "result").trim(), "unreachable");
    }
    assert.equal(read("bn:step", "default").trim(), "reached", "RUN without --network uses the build's network");
  },
);

test("--network host: the host's namespace (a server on 127.0.0.1), no CNI needed; cache key independent of the network", { skip: skipHost }, async () => {
  const { server, addr } = await serve("127.0.0.1");
  try {
    const dir = context(`FROM busybox\nARG SERVER\nRUN timeout 10 wget -q -O /got http://$SERVER/x\n`);
    const host = await hoistAsync(root, ["build", "--progress=plain", "-t", "bn:host", "--network", "host", "--build-arg", `SERVER=${addr}`, dir]); // prettier-ignore
    assert.equal(host.code, 0, host.stderr);
    assert.equal(read("bn:host", "got"), "from-the-host\n");
    // The same step with another network is a cache hit (as docker's cache key, it leaves the network out).
    const again = hoist(root, ["build", "--progress=plain", "--network", "none", "--build-arg", `SERVER=${addr}`, dir]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /#2 CACHED/);
  } finally {
    server.close();
  }
}); // prettier-ignore

test("--network NAME: a user-defined network; unknown names are refused", { skip }, () => {
  ok(root, ["network", "create", "hoist-bn-user"]);
  try {
    const { Subnet } = bridgeNet("hoist-bn-user");
    const dir = context(`FROM busybox\nRUN ${PROBE}\n`);
    ok(root, ["build", "-q", "-t", "bn:user", "--network", "hoist-bn-user", dir]);
    const ip = read("bn:user", "ip").trim();
    assert.ok(inSubnet(ip, Subnet), `${ip} in ${Subnet}`);
    assert.deepEqual(leftovers(read("bn:user", "short").trim(), ip, read("bn:user", "iflink").trim()), []);
  } finally {
    ok(root, ["network", "rm", "hoist-bn-user"]);
  }
  const bad = hoist(root, ["build", "-q", "--network", "hoist-bn-nonesuch", context("FROM busybox\nRUN true\n")]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /network hoist-bn-nonesuch not found/);
});

/** Run a build whose step prints its hostname and then waits; returns the hostname and the running build. */
async function startWaitingBuild(
  dockerfile: string,
): Promise<{ short: string; done: Promise<number>; interrupt: () => void }> {
  const child = spawn(hoistBin, ["--root", root, "build", "--progress=plain", "--no-cache", context(dockerfile)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const done = new Promise<number>((r) => child.on("close", (code) => r(code ?? -1)));
  let text = "";
  const short = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the step did not start: ${text}`)), 30_000);
    child.stderr.on("data", (d: Buffer) => {
      text += d.toString();
      const m = /short=([0-9a-f]{12})/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
  });
  return { short, done, interrupt: () => child.kill("SIGINT") };
}

test("Ctrl-C during a RUN step and a failing step: the attachment is undone", { skip }, async () => {
  const running = await startWaitingBuild('FROM busybox\nRUN echo "short=$(hostname)" && sleep 60\n');
  // While the step runs, leftovers() sees each kind of thing the attachment holds.
  const held = leftovers(running.short, "", "").map((l) => (l.startsWith("-A ") ? "rule" : l.split(" ")[0]));
  for (const kind of ["netns", "state", "lease", "rule"]) assert.ok(held.includes(kind), `${kind} in ${held}`);
  running.interrupt();
  assert.notEqual(await running.done, 0);
  assert.deepEqual(leftovers(running.short, "", ""), []);
  const failing = await startWaitingBuild('FROM busybox\nRUN echo "short=$(hostname)" && sleep 1 && exit 3\n');
  assert.equal(await failing.done, 1);
  assert.deepEqual(leftovers(failing.short, "", ""), []);
});

test("without the CNI plugins: a bridge RUN says which package to install; --network host still builds", { skip: skipHost }, () => {
  const dir = context(`FROM busybox\nRUN echo step > /out\n`);
  const env = { CNI_PATH: join(work, "no-plugins-here") };
  const bridge = hoist(root, ["build", "--no-cache", "-t", "bn:noplugins", dir], { env });
  assert.equal(bridge.code, 1);
  assert.match(bridge.stderr, /needs the CNI plugins: install the containernetworking-plugins package/);
  assert.equal(hoist(root, ["image", "inspect", "bn:noplugins"]).code, 1, "nothing tagged");
  const host = hoist(root, ["build", "--no-cache", "-t", "bn:noplugins", "--network", "host", dir], { env });
  assert.equal(host.code, 0, host.stderr);
  assert.equal(read("bn:noplugins", "out"), "step\n");
}); // prettier-ignore
