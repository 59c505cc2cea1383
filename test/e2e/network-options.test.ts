// Name resolution and isolation options end to end: --network-alias (and `network connect --alias`), --hostname
// on a user-defined network, --dns/--dns-search/--dns-option, --add-host (host-gateway too), docker's errors for
// bad values with nothing created, and IP isolation between networks through the firewall plugin's
// same-bridge ingress policy, with nothing of it left once the networks are gone. Traffic goes only to the
// containers and bridges this test makes; its networks have their own subnets (10.97.x.0/24 from a random
// block, so leftovers of an interrupted run cannot collide) and names (ho-*).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { busyboxTar, have, hoist, ok, removeDir, tempDir } from "./helpers.ts";

/** This run's /24s: 10.97.(BLOCK+i), the block picked at random. */
const block = 8 * Math.floor(Math.random() * 30);
const net = (i: number): string => `10.97.${block + i}`;
const cni = existsSync("/usr/lib/cni/bridge") || existsSync("/opt/cni/bin/bridge");
const skip =
  !have("runc") || !cni || process.getuid?.() !== 0
    ? "needs root, runc and containernetworking-plugins (scripts/setup installs them)"
    : false;
const ALIAS_ERROR =
  "Error response from daemon: network-scoped alias is supported only for containers in user defined networks\n";
let dir = "";
let root = "";

function runDetached(args: string[]): string {
  return ok(root, ["run", "-d", ...args]).trim();
}

function network(name: string, subnet: string): string {
  ok(root, ["network", "create", "--subnet", subnet, name]);
  const out = JSON.parse(ok(root, ["network", "inspect", name])) as { Options: Record<string, string> }[];
  return out[0]?.Options["com.docker.network.bridge.name"] ?? "";
}

function ipOf(id: string, net: string): string {
  return ok(root, ["inspect", "-f", `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, id]).trim();
}

function ping(from: string, target: string): boolean {
  return hoist(root, ["exec", from, "ping", "-c", "1", "-W", "1", target]).stdout.includes("1 packets received");
}

function allIds(): string {
  return ok(root, ["ps", "-aq", "--no-trunc"]);
}

/** iptables lines that name one of these bridges, containers or addresses. */
function ruleLeftovers(words: string[]): string[] {
  const rules = execFileSync("iptables-save", { encoding: "utf8" }).split("\n");
  return rules.filter((l) => words.some((w) => w !== "" && l.includes(w)));
}

before(() => {
  if (skip) return;
  dir = tempDir("hoist-netopt-");
  root = join(dir, "root");
  process.env.HOIST_NETWORK_DIR = join(dir, "networks");
  ok(root, ["import", "-c", 'CMD ["sh"]', busyboxTar(), "busybox:latest"]);
});

after(() => {
  if (skip) return;
  const ids = allIds().trim().split("\n").filter(Boolean);
  if (ids.length) hoist(root, ["rm", "-f", ...ids]);
  hoist(root, ["network", "prune", "-f"]);
  removeDir(dir);
});

test(
  "--network-alias, --hostname and network connect --alias: peers resolve every name; inspect shows them",
  { skip },
  () => {
    network("ho-alias", `${net(1)}.0/24`);
    const web = runDetached([
      ...["--name", "ho-web", "--hostname", "ho-host", "--network", "ho-alias"],
      ...["--network-alias", "web", "--network-alias", "www", "busybox", "sleep", "30"],
    ]);
    runDetached(["--name", "ho-peer", "--network", "ho-alias", "busybox", "sleep", "30"]);
    for (const name of ["web", "www", "ho-host", "ho-web"]) assert.ok(ping("ho-peer", name), `ho-peer pings ${name}`);
    const ep = JSON.parse(
      ok(root, ["inspect", "-f", '{{json (index .NetworkSettings.Networks "ho-alias")}}', "ho-web"]),
    ) as { Aliases: string[] | null; DNSNames: string[] | null; IPAddress: string };
    assert.deepEqual(ep.Aliases, ["web", "www"]);
    assert.deepEqual(ep.DNSNames, ["ho-web", "web", "www", web.slice(0, 12)]);
    assert.ok(ep.IPAddress.startsWith(`${net(1)}.`), ep.IPAddress);
    // A container on the default bridge joins with an alias of its own there.
    runDetached(["--name", "ho-side", "busybox", "sleep", "30"]);
    ok(root, ["network", "connect", "--alias", "side-alias", "ho-alias", "ho-side"]);
    assert.ok(ping("ho-peer", "side-alias"), "the connected container answers to its alias");
    const nets = JSON.parse(ok(root, ["inspect", "-f", "{{json .NetworkSettings.Networks}}", "ho-side"])) as Record<
      string,
      { Aliases: string[] | null }
    >;
    assert.equal(nets.bridge?.Aliases, null);
    assert.deepEqual(nets["ho-alias"]?.Aliases, ["side-alias"]);
    ok(root, ["rm", "-f", "ho-web", "ho-peer", "ho-side"]);
  },
);

test("--network-alias on the default bridge: docker's error, exit 125, nothing created", { skip }, () => {
  const before = allIds();
  for (const cmd of ["run", "create"]) {
    const r = hoist(root, [cmd, "--name", "ho-refused", "--network-alias", "x", "busybox", "true"]);
    assert.equal(r.code, 125, r.stderr);
    assert.equal(r.stderr, ALIAS_ERROR);
  }
  assert.equal(allIds(), before);
  const c = hoist(root, ["network", "connect", "--alias", "x", "bridge", "ho-nosuch"]);
  assert.equal(c.code, 1);
  assert.equal(c.stderr, ALIAS_ERROR);
});

test("--dns, --dns-search, --dns-option: /etc/resolv.conf and HostConfig", { skip }, () => {
  const flags = ["--dns", "9.9.9.9", "--dns", "1.1.1.1", "--dns-search", "example.com", "--dns-option", "ndots:2"];
  const conf = ok(root, ["run", "--rm", ...flags, "busybox", "cat", "/etc/resolv.conf"]);
  assert.equal(conf, "search example.com\nnameserver 9.9.9.9\nnameserver 1.1.1.1\noptions ndots:2\n");
  // Only the options given replace their lines: the nameservers stay the host's (loopback ones dropped).
  const opts = ok(root, ["run", "--rm", "--dns-option", "timeout:1", "busybox", "cat", "/etc/resolv.conf"]);
  assert.match(opts, /^nameserver (?!127\.)\S+$/m);
  assert.match(opts, /^options timeout:1$/m);
  ok(root, ["create", "--name", "ho-dns", "--network", "none", ...flags, "busybox", "true"]);
  const hc = JSON.parse(ok(root, ["inspect", "-f", "{{json .HostConfig}}", "ho-dns"])) as Record<string, unknown>;
  assert.deepEqual(hc.Dns, ["9.9.9.9", "1.1.1.1"]);
  assert.deepEqual(hc.DnsSearch, ["example.com"]);
  assert.deepEqual(hc.DnsOptions, ["ndots:2"]);
  assert.equal(hc.ExtraHosts, null);
  assert.equal(ok(root, ["start", "-a", "ho-dns"]), "", "a created container with --dns starts");
  ok(root, ["rm", "ho-dns"]);
});

test("--add-host: /etc/hosts lines (host-gateway = the gateway) survive peers joining; ExtraHosts", { skip }, () => {
  network("ho-hosts", `${net(3)}.0/24`);
  const flags = ["--add-host", "db:10.1.2.3", "--add-host", "gw=host-gateway", "--add-host", "six:::1"];
  runDetached(["--name", "ho-eh", "--network", "ho-hosts", ...flags, "busybox", "sleep", "30"]);
  const first = ok(root, ["exec", "ho-eh", "cat", "/etc/hosts"]);
  assert.ok(first.includes(`\n10.1.2.3\tdb\n${net(3)}.1\tgw\n::1\tsix\n${net(3)}.2\tho-eh `), first);
  assert.ok(ping("ho-eh", "gw"), "host-gateway is the network's gateway, on the host");
  runDetached(["--name", "ho-eh-peer", "--network", "ho-hosts", "busybox", "sleep", "30"]);
  const later = ok(root, ["exec", "ho-eh", "cat", "/etc/hosts"]);
  assert.ok(later.startsWith(first), `hosts file rewritten without the extra hosts:\n${later}`);
  assert.match(later, /\tho-eh-peer /);
  assert.deepEqual(JSON.parse(ok(root, ["inspect", "-f", "{{json .HostConfig.ExtraHosts}}", "ho-eh"])), [
    "db:10.1.2.3",
    "gw:host-gateway",
    "six:::1",
  ]);
  ok(root, ["rm", "-f", "ho-eh", "ho-eh-peer"]);
  // --network host: the host's /etc/hosts plus the extra lines, host-gateway being the host's own address.
  const host = ok(root, [
    "run",
    "--rm",
    "--network",
    "host",
    "--add-host",
    "hg:host-gateway",
    "busybox",
    "cat",
    "/etc/hosts",
  ]);
  assert.match(host, /\n\d+\.\d+\.\d+\.\d+\thg\n$/);
});

test("bad --add-host, --dns, --dns-search: docker's errors, exit 125, nothing created", { skip }, () => {
  const before = allIds();
  const cases: [string[], string][] = [
    [["--add-host", "x"], 'invalid argument "x" for "--add-host" flag: bad format for add-host: "x"'],
    [
      ["--add-host", "db:300.1.1.1"],
      'invalid argument "db:300.1.1.1" for "--add-host" flag: invalid IP address in add-host: "300.1.1.1"',
    ],
    [["--dns", "x"], 'invalid argument "x" for "--dns" flag: IP address is not correctly formatted: x'],
    [["--dns-search", "-x-"], 'invalid argument "-x-" for "--dns-search" flag: -x- is not a valid domain'],
  ];
  for (const [flags, message] of cases)
    for (const cmd of ["run", "create"]) {
      const r = hoist(root, [cmd, "--name", "ho-bad", ...flags, "busybox", "true"]);
      assert.equal(r.code, 125, `${cmd} ${flags.join(" ")}: ${r.stderr}`);
      assert.equal(r.stderr, `${message}\nSee 'hoist ${cmd} --help'.\n`);
    }
  assert.equal(allIds(), before);
});

test(
  "IP isolation: no traffic between two networks, same-network traffic fine; no rule left after rm",
  { skip },
  () => {
    const frontBridge = network("ho-front", `${net(4)}.0/24`);
    const backBridge = network("ho-back", `${net(5)}.0/24`);
    const f1 = runDetached(["--name", "ho-f1", "--network", "ho-front", "busybox", "sleep", "30"]);
    const f2 = runDetached(["--name", "ho-f2", "--network", "ho-front", "busybox", "sleep", "30"]);
    const b1 = runDetached(["--name", "ho-b1", "--network", "ho-back", "busybox", "sleep", "30"]);
    const ips = [ipOf(f1, "ho-front"), ipOf(f2, "ho-front"), ipOf(b1, "ho-back")];
    const [f1ip = "", , b1ip = ""] = ips;
    assert.ok(ping("ho-f2", f1ip), "same network: reachable by address");
    assert.ok(!ping("ho-b1", f1ip), "another network: not reachable by address");
    assert.ok(!ping("ho-f1", b1ip), "nor the other way round");
    assert.ok(ping("ho-b1", `${net(5)}.1`), "the own gateway (the host) still answers");
    const rules = ruleLeftovers([frontBridge, backBridge]).join("\n");
    assert.match(rules, /CNI-ISOLATION-STAGE-2 -o hoist-\S+ .*-j DROP/);
    ok(root, ["rm", "-f", f1, f2, b1]);
    ok(root, ["network", "rm", "ho-front", "ho-back"]);
    assert.deepEqual(ruleLeftovers([frontBridge, backBridge, f1, f2, b1, ...ips.map((ip) => `${ip}/32 `)]), []);
    const bridges = execFileSync("ip", ["-o", "link", "show", "type", "bridge"], { encoding: "utf8" });
    assert.ok(!bridges.includes(frontBridge) && !bridges.includes(backBridge), "no bridge left");
  },
);

test("network prune drops isolation rules whose bridge is gone (left by an older hoist)", { skip }, () => {
  const stale = `hoist-${randomBytes(5).toString("hex").slice(0, 9)}`; // never one an earlier run left
  const comment = ["-m", "comment", "--comment", "CNI firewall plugin rules (ingressPolicy: same-bridge)"];
  const rules = [
    ["CNI-ISOLATION-STAGE-1", "-i", stale, "!", "-o", stale, ...comment, "-j", "CNI-ISOLATION-STAGE-2"],
    ["CNI-ISOLATION-STAGE-2", "-o", stale, ...comment, "-j", "DROP"],
  ];
  for (const chain of ["CNI-ISOLATION-STAGE-1", "CNI-ISOLATION-STAGE-2"])
    spawnSync("iptables", ["-w", "-t", "filter", "-N", chain]); // there already once a network was used
  for (const [chain = "", ...spec] of rules)
    execFileSync("iptables", ["-w", "-t", "filter", "-I", chain, "1", ...spec]);
  assert.equal(ruleLeftovers([stale]).length, 2);
  ok(root, ["network", "prune", "-f"]);
  assert.deepEqual(ruleLeftovers([stale]), []);
});
