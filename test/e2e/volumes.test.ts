// `hoist volume create|ls|inspect|rm|prune` end to end with real containers (runc): records beside the data,
// implicit volumes from run, in-use refusals with docker's messages, prune's anonymous/--all rules, filters,
// and the volumes row of `system df`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { busyboxTar, have, hoist, ok, removeDir, tempDir, removeAllContainers } from "./helpers.ts";

const skip =
  process.getuid?.() !== 0 ? "needs root" : have("runc") ? false : "runc is not installed (scripts/setup installs it)";
let dir = "";
let root = "";

function names(args: string[] = []): string[] {
  return ok(root, ["volume", "ls", "-q", ...args])
    .trim()
    .split("\n")
    .filter(Boolean);
}

before(() => {
  if (skip) return;
  dir = tempDir("hoist-vol-");
  root = join(dir, "root");
  ok(root, ["import", "-c", 'CMD ["sh"]', busyboxTar(), "busybox:latest"]);
});

after(() => {
  if (skip) return;
  removeAllContainers(root);
  removeDir(dir);
});

test("create, ls, inspect and rm; create is idempotent; a random name without NAME", { skip }, () => {
  assert.equal(ok(root, ["volume", "create", "v1"]), "v1\n");
  assert.equal(ok(root, ["volume", "create", "v1"]), "v1\n", "an existing name is no error");
  const anon = ok(root, ["volume", "create"]).trim();
  assert.match(anon, /^[0-9a-f]{64}$/);
  assert.deepEqual(names(), [anon, "v1"].sort());
  assert.match(ok(root, ["volume", "ls"]), /^DRIVER\s+VOLUME NAME\nlocal\s+[0-9a-f]{64}\nlocal\s+v1\n$/);
  const [info] = JSON.parse(ok(root, ["volume", "inspect", "v1"])) as Record<string, unknown>[];
  assert.ok(info);
  assert.deepEqual(Object.keys(info), ["CreatedAt", "Driver", "Labels", "Mountpoint", "Name", "Options", "Scope"]);
  assert.equal(info.Name, "v1");
  assert.equal(info.Driver, "local");
  assert.equal(info.Scope, "local");
  assert.equal(info.Mountpoint, join(root, "volumes", "v1", "_data"));
  assert.ok(statSync(info.Mountpoint as string).isDirectory(), "the mountpoint exists");
  assert.match(info.CreatedAt as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Math.abs(Date.parse(info.CreatedAt as string) - Date.now()) < 60_000);
  assert.deepEqual(info.Labels, {});
  assert.equal(ok(root, ["volume", "inspect", "-f", "{{.Name}} {{.Driver}}", "v1", anon]), `v1 local\n${anon} local\n`);
  assert.equal(ok(root, ["volume", "rm", "v1", anon]), `v1\n${anon}\n`);
  assert.deepEqual(names(), []);
  assert.ok(!existsSync(join(root, "volumes", "v1")));
});

test("a volume written by one container is read by another; its content lives at Mountpoint", { skip }, () => {
  ok(root, ["run", "--rm", "-v", "shared:/data", "busybox", "sh", "-c", "echo hello > /data/greeting"]);
  assert.equal(ok(root, ["run", "--rm", "--mount", "src=shared,dst=/in", "busybox", "cat", "/in/greeting"]), "hello\n");
  const mp = ok(root, ["volume", "inspect", "-f", "{{.Mountpoint}}", "shared"]).trim();
  assert.equal(readFileSync(join(mp, "greeting"), "utf8"), "hello\n");
  const [info] = JSON.parse(ok(root, ["volume", "inspect", "shared"])) as { Labels: unknown }[];
  assert.equal(info?.Labels, null, "a volume made by run has no labels, as docker's");
  // A volume made by `volume create` is still empty: the first container fills it from the image, as docker does.
  ok(root, ["volume", "create", "etc"]);
  assert.match(ok(root, ["run", "--rm", "-v", "etc:/etc", "busybox", "cat", "/etc/passwd"]), /^root:/);
  ok(root, ["volume", "rm", "shared", "etc"]);
});

test("rm refuses a volume any container uses (docker's message, exit 1); unknown names; -f", { skip }, () => {
  ok(root, ["volume", "create", "busy"]);
  const id = ok(root, ["create", "--name", "holder", "-v", "busy:/data", "busybox", "true"]).trim();
  const r = hoist(root, ["volume", "rm", "busy"]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, `Error response from daemon: remove busy: volume is in use - [${id}]\n`);
  const f = hoist(root, ["volume", "rm", "-f", "busy"]);
  assert.equal(f.code, 1, "-f does not remove a volume in use");
  assert.deepEqual(names(), ["busy"]);
  const missing = hoist(root, ["volume", "rm", "nosuch"]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "Error response from daemon: get nosuch: no such volume\n");
  assert.equal(ok(root, ["volume", "rm", "-f", "nosuch"]), "nosuch\n");
  const inspect = hoist(root, ["volume", "inspect", "nosuch"]);
  assert.equal(inspect.code, 1);
  assert.equal(inspect.stderr, "Error: No such volume: nosuch\n");
  assert.equal(inspect.stdout, "[]\n");
  ok(root, ["rm", "holder"]);
  assert.equal(ok(root, ["volume", "rm", "busy"]), "busy\n");
  assert.equal(id.length, 64);
});

test("prune: anonymous unused volumes only; -a every unused one; --filter label", { skip }, () => {
  ok(root, ["volume", "create", "--label", "keep=yes", "named1"]);
  ok(root, ["volume", "create", "named2"]);
  ok(root, ["run", "--name", "anonymous", "-v", "/scratch", "busybox", "sh", "-c", "echo 12345 > /scratch/f"]);
  ok(root, ["run", "--name", "user", "-v", "/held", "-v", "named2:/n", "busybox", "true"]);
  const anonOf = (c: string, dest: string): string =>
    ok(root, ["inspect", "-f", `{{range .Mounts}}{{if eq .Destination "${dest}"}}{{.Name}}{{end}}{{end}}`, c]).trim();
  const free = anonOf("anonymous", "/scratch");
  const held = anonOf("user", "/held");
  assert.match(free, /^[0-9a-f]{64}$/);
  const [info] = JSON.parse(ok(root, ["volume", "inspect", free])) as { Labels: Record<string, string> }[];
  assert.deepEqual(info?.Labels, { "com.docker.volume.anonymous": "" });
  assert.deepEqual(names(["--filter", "label=com.docker.volume.anonymous"]), [free, held].sort());
  // A volume without its record (made before records existed) is described from its directory and the
  // container records: still anonymous.
  assert.ok(existsSync(join(root, "volumes", held, "volume.json")));
  rmSync(join(root, "volumes", held, "volume.json"));
  const [lazy] = JSON.parse(ok(root, ["volume", "inspect", held])) as { Labels: unknown; CreatedAt: string }[];
  assert.deepEqual(lazy?.Labels, { "com.docker.volume.anonymous": "" });
  assert.match(lazy?.CreatedAt ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  ok(root, ["rm", "anonymous"]); // without -v: its anonymous volume stays, unused
  assert.deepEqual(names(["--filter", "dangling=true"]), [free, "named1"].sort());
  assert.deepEqual(names(["-f", "dangling=false"]), [held, "named2"].sort());

  const no = hoist(root, ["volume", "prune"], { input: "n\n" });
  assert.match(no.stdout, /WARNING! This will remove anonymous local volumes not used by at least one container\./);
  assert.ok(names().includes(free), "answering no keeps everything");
  assert.equal(
    ok(root, ["volume", "prune", "-f"]),
    `Deleted Volumes:\n${free}\n\nTotal reclaimed space: 6B\n`,
    "only the unused anonymous volume",
  );
  assert.deepEqual(names(), [held, "named1", "named2"].sort());
  assert.equal(ok(root, ["volume", "prune", "-a", "-f", "--filter", "label=keep=no"]), "Total reclaimed space: 0B\n");
  assert.match(
    ok(root, ["volume", "prune", "--all", "-f"]),
    /^Deleted Volumes:\nnamed1\n\nTotal reclaimed space: 0B\n$/,
  );
  assert.deepEqual(names(), [held, "named2"].sort(), "volumes in use stay");
  ok(root, ["rm", "-v", "user"]);
  assert.deepEqual(names(), ["named2"], "rm -v removes the anonymous volume, not the named one");
  ok(root, ["volume", "rm", "named2"]);
});

test("labels and filters: label=, name=, driver=, --format, ls -q", { skip }, () => {
  ok(root, ["volume", "create", "--label", "tier=web", "--label", "team", "web1"]);
  ok(root, ["volume", "create", "-d", "local", "--label", "tier=db", "db1"]);
  assert.deepEqual(names(["--filter", "label=tier=web"]), ["web1"]);
  assert.deepEqual(names(["--filter", "label=tier"]), ["db1", "web1"]);
  assert.deepEqual(names(["--filter", "label=tier", "--filter", "label=team"]), ["web1"]);
  assert.deepEqual(names(["--filter", "name=db"]), ["db1"]);
  assert.deepEqual(names(["--filter", "name=web", "--filter", "name=db"]), ["db1", "web1"]);
  assert.deepEqual(names(["--filter", "driver=local"]), ["db1", "web1"]);
  assert.equal(
    ok(root, ["volume", "ls", "--format", "{{.Name}}|{{.Driver}}|{{.Scope}}|{{.Labels}}", "-f", "name=web1"]),
    "web1|local|local|team=,tier=web\n",
  );
  assert.match(
    ok(root, ["volume", "ls", "--format", "table {{.Name}}\t{{.Mountpoint}}"]),
    /^VOLUME NAME\s+MOUNTPOINT\n/,
  );
  const json = JSON.parse(ok(root, ["volume", "ls", "--format", "json", "-f", "name=db1"])) as Record<string, string>;
  assert.equal(json.Name, "db1");
  assert.equal(json.Mountpoint, join(root, "volumes", "db1", "_data"));
  assert.deepEqual(JSON.parse(ok(root, ["volume", "inspect", "-f", "{{json .Labels}}", "web1"])), {
    team: "",
    tier: "web",
  });
  ok(root, ["volume", "rm", "web1", "db1"]);
});

test("bad input: docker's errors and exit codes, nothing changed", { skip }, () => {
  ok(root, ["volume", "create", "stay"]);
  const before = readdirSync(join(root, "volumes")).sort();
  const cases: [string[], RegExp, number][] = [
    [["volume", "ls", "--filter", "color=red"], /^Error response from daemon: invalid filter 'color'\n$/, 1],
    [
      ["volume", "ls", "--filter", "dangling=maybe"],
      /^Error response from daemon: invalid filter 'dangling=maybe'\n$/,
      1,
    ],
    [["volume", "ls", "--filter", "nokey"], /bad format of filter/, 1],
    [["volume", "prune", "-f", "--filter", "color=red"], /invalid filter 'color'/, 1],
    [
      ["volume", "create", "bad/name"],
      /create bad\/name: "bad\/name" includes invalid characters for a local volume name/,
      1,
    ],
    [["volume", "create", "-d", "nfs", "x1"], /error looking up volume plugin nfs: plugin "nfs" not found/, 1],
    [["volume", "create", "-o", "color=red", "x1"], /create x1: invalid option: "color"/, 1],
    [["volume", "create", "-o", "type=tmpfs", "x1"], /create x1: option "type" is not supported/, 1],
    [["volume", "create", "--name", "a1", "a2"], /conflicting options/, 1],
    [["volume", "create", "a1", "a2"], /"hoist volume create" requires at most 1 argument/, 1],
    [["volume", "rm"], /"hoist volume rm" requires at least 1 argument/, 1],
    [["volume", "inspect"], /"hoist volume inspect" requires at least 1 argument/, 1],
    [["volume", "ls", "--bogus"], /unknown flag: --bogus/, 125],
    [["volume", "frob"], /'volume frob' is not a hoist command/, 1],
  ];
  for (const [args, err, code] of cases) {
    const r = hoist(root, args);
    assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, err, args.join(" "));
  }
  assert.deepEqual(readdirSync(join(root, "volumes")).sort(), before, "nothing made or removed");
  ok(root, ["volume", "rm", "stay"]);
});

test(
  "system df counts volumes (TOTAL, ACTIVE, SIZE, RECLAIMABLE); -v lists them; system prune --volumes",
  { skip },
  () => {
    ok(root, ["run", "--rm", "-v", "dfa:/d", "busybox", "sh", "-c", "printf 1234567890 > /d/f"]);
    ok(root, ["create", "--name", "dfuser", "-v", "dfb:/d", "-v", "/anon", "busybox", "true"]);
    ok(root, ["run", "--name", "dfgone", "-v", "/gone", "busybox", "true"]);
    const df = ok(root, ["system", "df"]);
    assert.match(df, /^Local Volumes\s+4\s+3\s+10B\s+10B \(100%\)$/m);
    const v = ok(root, ["system", "df", "-v"]);
    assert.match(v, /Local Volumes space usage:\n\nVOLUME NAME\s+LINKS\s+SIZE\n/);
    assert.match(v, /^dfa\s+0\s+10B$/m);
    assert.match(v, /^dfb\s+1\s+0B$/m);
    assert.match(ok(root, ["system", "df", "--format", "{{.Type}}:{{.TotalCount}}"]), /^Local Volumes:4$/m);
    // system prune --volumes: the stopped containers first, then the anonymous volumes they freed; named stay.
    const pruned = ok(root, ["system", "prune", "-f", "--volumes"]);
    assert.match(pruned, /Deleted Volumes:\n[0-9a-f]{64}\n[0-9a-f]{64}\n\n/);
    assert.deepEqual(names(), ["dfa", "dfb"]);
    ok(root, ["volume", "rm", "dfa", "dfb"]);
  },
);
