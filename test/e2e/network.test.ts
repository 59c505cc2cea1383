// Bridge networking end to end through the CNI plugins: the default `bridge` network, published ports
// reachable on 127.0.0.1 (-p, -P, port, ps, inspect), outbound traffic to the bridge's gateway, and a
// complete teardown (namespace, veth, lease, iptables rules) on rm -f, stop, exit and --rm. Traffic goes
// only to 127.0.0.1 and to the containers and bridge this test makes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import net from "node:net";
import { join } from "node:path";
import { busyboxTar, have, hoist, hoistAsync, ok, removeDir, tempDir } from "./helpers.ts";

const cni = existsSync("/usr/lib/cni/bridge") || existsSync("/opt/cni/bin/bridge");
const skip =
  !have("runc") || !cni || process.getuid?.() !== 0
    ? "needs root, runc and containernetworking-plugins (scripts/setup installs them)"
    : false;
const RUN = "/run/hoist/network";
const HTTPD = "mkdir -p /www && echo page-$HOSTNAME > /www/index.html && exec httpd -f -p 80 -h /www";
let dir = "";
let root = "";
const made: string[] = [];

function runDetached(args: string[]): string {
  const id = ok(root, ["run", "-d", ...args]).trim();
  made.push(id);
  return id;
}

/** What the host holds for these containers: namespaces, state, leases, iptables lines, veths. */
function leftovers(ids: string[], ips: string[]): string[] {
  const out: string[] = [];
  for (const id of ids) {
    if (existsSync(`/run/netns/hoist-${id.slice(0, 24)}`)) out.push(`netns of ${id}`);
    if (existsSync(join(RUN, "containers", `${id}.json`))) out.push(`state of ${id}`);
  }
  const leases = join(RUN, "ipam", "hoist-bridge");
  for (const f of existsSync(leases) ? readdirSync(leases) : []) {
    if (f === "lock" || f.startsWith("last_reserved")) continue;
    const owner = readFileSync(join(leases, f), "utf8");
    if (ids.some((id) => owner.includes(id))) out.push(`lease ${f}`);
  }
  const rules = execFileSync("iptables-save", { encoding: "utf8" }).split("\n");
  for (const l of rules) if (ids.some((id) => l.includes(id)) || ips.some((ip) => l.includes(`${ip}/`))) out.push(l);
  return out;
}

function vethCount(): number {
  return execFileSync("ip", ["-o", "link", "show", "type", "veth"], { encoding: "utf8" }).split("\n").filter(Boolean)
    .length;
}

function ipOf(id: string): string {
  return ok(root, ["inspect", "-f", "{{.NetworkSettings.IPAddress}}", id]).trim();
}

async function get(port: number): Promise<string> {
  for (let i = 0; i < 30; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
      return await r.text();
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`nothing answers on 127.0.0.1:${port}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

before(() => {
  if (skip) return;
  dir = tempDir("hoist-net-");
  root = join(dir, "root");
  ok(root, ["import", "-c", 'CMD ["sh"]', "-c", "EXPOSE 80", busyboxTar(), "busybox:latest"]);
});

after(() => {
  if (skip) return;
  const ids = hoist(root, ["ps", "-aq", "--no-trunc"]).stdout.trim().split("\n").filter(Boolean);
  if (ids.length) hoist(root, ["rm", "-f", ...ids]);
  removeDir(dir);
});

test("default bridge network: own address, gateway route, resolv.conf without loopback resolvers", { skip }, () => {
  const out = ok(root, ["run", "--rm", "busybox", "sh", "-c", "ip -o -4 addr show eth0; ip route; cat /etc/resolv.conf"]);
  assert.match(out, /eth0\s+inet 10\.89\.\d+\.\d+\/16/);
  assert.match(out, /default via 10\.89\.0\.1 dev eth0/);
  assert.doesNotMatch(out, /nameserver 127\./);
  assert.match(out, /nameserver /);
});

test("-p 127.0.0.1:HOST:80 serves busybox httpd on the host; port, ps and inspect show it", { skip }, async () => {
  const hostPort = await freePort();
  const id = runDetached(["--name", "web", "-p", `127.0.0.1:${hostPort}:80`, "busybox", "sh", "-c", HTTPD]);
  assert.equal(await get(hostPort), `page-${id.slice(0, 12)}\n`);
  assert.equal(ok(root, ["port", "web"]), `80/tcp -> 127.0.0.1:${hostPort}\n`);
  assert.equal(ok(root, ["port", "web", "80"]), `127.0.0.1:${hostPort}\n`);
  assert.equal(ok(root, ["ps", "--format", "{{.Ports}}"]).trim(), `127.0.0.1:${hostPort}->80/tcp`);
  const ns = JSON.parse(ok(root, ["inspect", "-f", "{{json .NetworkSettings}}", "web"])) as {
    IPAddress: string;
    Gateway: string;
    Ports: Record<string, { HostIp: string; HostPort: string }[]>;
    Networks: Record<string, { IPAddress: string }>;
  };
  assert.match(ns.IPAddress, /^10\.89\./);
  assert.equal(ns.Gateway, "10.89.0.1");
  assert.deepEqual(ns.Ports["80/tcp"], [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }]);
  assert.equal(ns.Networks.bridge?.IPAddress, ns.IPAddress);
  // The port is taken now: a second container asking for it gets docker's error and leaves nothing behind.
  const clash = hoist(root, ["run", "--rm", "-p", `127.0.0.1:${hostPort}:80`, "busybox", "true"]);
  assert.notEqual(clash.code, 0);
  assert.match(clash.stderr, /address already in use/);
  ok(root, ["rm", "-f", "web"]);
  assert.deepEqual(leftovers([id], [ns.IPAddress]), []);
});

test("a host port used by another process: address already in use, nothing left", { skip }, async () => {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const r = hoist(root, ["run", "--name", "clash", "-p", `127.0.0.1:${port}:80`, "busybox", "true"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /address already in use/);
    const id = ok(root, ["inspect", "-f", "{{.Id}}", "clash"]).trim();
    assert.deepEqual(leftovers([id], []), []);
    ok(root, ["rm", "clash"]);
  } finally {
    server.close();
  }
});

test("-P publishes the image's EXPOSEd port on a free host port", { skip }, async () => {
  const id = runDetached(["-P", "busybox", "sh", "-c", HTTPD]);
  const line = ok(root, ["port", id, "80/tcp"]).trim();
  const m = /^0\.0\.0\.0:(\d+)$/.exec(line);
  assert.ok(m, `port output: ${line}`);
  assert.equal(await get(Number(m[1])), `page-${id.slice(0, 12)}\n`);
  const ip = ipOf(id);
  ok(root, ["stop", "-t", "1", id]);
  assert.equal(ok(root, ["ps", "-a", "--filter", `id=${id}`, "--format", "{{.Ports}}"]).trim(), "");
  assert.deepEqual(leftovers([id], [ip]), [], "stop tears the network down");
  ok(root, ["rm", id]);
});

test("outbound: a container reaches a server on the bridge's gateway address", { skip }, async () => {
  ok(root, ["run", "--rm", "busybox", "true"]); // the bridge exists once a container attached
  const server: Server = createServer((_q, s) => s.end("from-the-host\n"));
  await new Promise<void>((r) => server.listen(0, "10.89.0.1", () => r()));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const r = await hoistAsync(root, ["run", "--rm", "busybox", "wget", "-q", "-T", "5", "-O", "-", `http://10.89.0.1:${port}/`]);
    assert.equal(r.stdout, "from-the-host\n", r.stderr);
  } finally {
    server.close();
  }
});

test("teardown on exit, kill and --rm: no namespace, veth, lease or rule left", { skip }, async () => {
  const veths = vethCount();
  const exits = runDetached(["busybox", "sh", "-c", "sleep 0.3"]);
  const killed = runDetached(["-p", "80", "busybox", "sleep", "30"]);
  const ips = [ipOf(exits), ipOf(killed)];
  ok(root, ["kill", killed]);
  ok(root, ["wait", exits, killed]);
  const rmd = ok(root, ["run", "--rm", "-p", "80", "busybox", "sh", "-c", "cat /proc/sys/kernel/hostname"]).trim();
  assert.deepEqual(leftovers([exits, killed], ips), []);
  assert.ok(!readdirSync(join(RUN, "containers")).some((f) => f.startsWith(rmd)), "--rm leaves no state");
  ok(root, ["rm", exits, killed]);
  assert.ok(vethCount() <= veths, "no veth left");
});
