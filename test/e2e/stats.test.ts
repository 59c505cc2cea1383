// `stats`: docker's resource table from the container's cgroup and network namespace, with real containers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { busyboxTar, have, hoist, ok, removeDir, tempDir, removeAllContainers } from "./helpers.ts";

const skip = have("runc") && process.getuid?.() === 0 ? false : "needs root and runc (scripts/setup installs it)";
let dir = "";
let root = "";

before(() => {
  if (skip) return;
  dir = tempDir("hoist-stats-");
  root = join(dir, "root");
  ok(root, ["import", busyboxTar(), "busybox:latest"]);
});

after(() => {
  if (skip) return;
  removeAllContainers(root);
  removeDir(dir);
});

test("stats --no-stream: docker's columns; a busy container's CPU, its memory limit, pids, network", { skip }, () => {
  const busy = ok(root, ["run", "-d", "--name", "busy", "-m", "64m", "--network", "none", "busybox", "sh", "-c", "while :; do :; done"]).trim(); // prettier-ignore
  ok(root, ["run", "-d", "--name", "idle", "busybox", "sleep", "60"]);
  ok(root, ["create", "--name", "stopped", "busybox", "true"]);
  const out = ok(root, ["stats", "--no-stream"]);
  const [header, ...rows] = out.trimEnd().split("\n");
  assert.match(
    header ?? "",
    /^CONTAINER ID +NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS$/,
  );
  assert.deepEqual(rows.map((r) => r.split(/ {3,}/)[1]).sort(), ["busy", "idle"], "running containers only");
  const b = rows.find((r) => r.startsWith(busy.slice(0, 12)))?.split(/ {3,}/) ?? [];
  assert.ok(Number.parseFloat(b[2] ?? "") > 20, `busy CPU: ${b[2]}`);
  assert.match(b[3] ?? "", /^[\d.]+(B|KiB|MiB) \/ 64MiB$/);
  assert.equal(b[7], "1");
  assert.equal(b[5], "0B / 0B", "no interface but lo with --network none");
  // -a adds the stopped one with zeros; --format picks fields.
  const all = ok(root, ["stats", "--no-stream", "-a", "--format", "{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}"]);
  assert.match(all, /^stopped 0\.00% 0B \/ 0B 0$/m);
  // The default network: the container's eth0 has sent and received something (its address setup at least).
  const idle = JSON.parse(ok(root, ["stats", "--no-stream", "--format", "{{json .}}", "idle"])) as Record<string, string>;
  assert.equal(idle.Name, "idle");
  assert.equal(idle.Container, "idle");
  assert.match(idle.NetIO ?? "", /^\d[\d.]*k?B \/ \d[\d.]*k?B$/);
}); // prettier-ignore

test("stats of an unknown container: docker's error, exit 1", { skip }, () => {
  const r = hoist(root, ["stats", "--no-stream", "nope"]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "Error: No such container: nope\n");
});
