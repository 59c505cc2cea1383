// image prune, system prune, system df, images filters, version and info.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { busyboxTar, hoist, ok, removeDir, tempDir } from "./helpers.ts";

let root = "";
let tar = "";

before(() => {
  root = tempDir();
  tar = busyboxTar();
});
after(() => removeDir(root));

test("images filters: reference, label, before, since", () => {
  ok(root, ["import", "-c", "LABEL tier=web", tar, "filt/a:1"]);
  ok(root, ["import", "-c", "LABEL tier=db", tar, "filt/b:1"]);
  ok(root, ["import", tar, "other/c:1"]);
  const names = (args: string[]): string[] =>
    ok(root, ["images", "--format", "{{.Repository}}:{{.Tag}}", ...args])
      .trim()
      .split("\n")
      .filter(Boolean)
      .sort();
  assert.deepEqual(names(["--filter", "reference=filt/*"]), ["filt/a:1", "filt/b:1"]);
  assert.deepEqual(names(["--filter", "label=tier=db"]), ["filt/b:1"]);
  assert.deepEqual(names(["--filter", "label=tier"]), ["filt/a:1", "filt/b:1"]);
  assert.deepEqual(names(["--filter", "before=other/c:1"]), ["filt/a:1", "filt/b:1"]);
  assert.deepEqual(names(["--filter", "since=filt/a:1"]), ["filt/b:1", "other/c:1"]);
  assert.deepEqual(names(["filt/a"]), ["filt/a:1"]);
  const bad = hoist(root, ["images", "--filter", "nope=1"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid filter 'nope'/);
  assert.match(
    ok(root, ["images", "--format", "table {{.Repository}}\t{{.Tag}}", "filt/a"]),
    /^REPOSITORY\s+TAG\nfilt\/a\s+1\n$/,
  );
  assert.match(
    ok(root, ["images", "--format", "{{json .}}", "filt/a"]),
    /^\{"Containers":"N\/A","CreatedAt":"[^"]+","CreatedSince":"[^"]+","Digest":"\\u003cnone\\u003e"|^\{.*"Repository":"filt\/a"/,
  );
});

test("image prune removes dangling images, asks first unless -f, and reports reclaimed space", () => {
  const dangling = ok(root, ["import", tar]).trim();
  // Declining the prompt changes nothing.
  const no = hoist(root, ["image", "prune"], { input: "n\n" });
  assert.equal(no.code, 0);
  assert.match(
    no.stdout,
    /WARNING! This will remove all dangling images\.\nAre you sure you want to continue\? \[y\/N\] $/,
  );
  ok(root, ["inspect", dangling]);
  const yes = hoist(root, ["image", "prune"], { input: "y\n" });
  assert.match(yes.stdout, new RegExp(`Deleted Images:\\ndeleted: ${dangling}\\n\\nTotal reclaimed space: `));
  assert.equal(hoist(root, ["inspect", dangling]).code, 1);
  assert.match(ok(root, ["image", "prune", "-f"]), /^Total reclaimed space: 0B\n$/);
});

test("system df shows image totals; -v lists images", () => {
  const out = ok(root, ["system", "df"]).split("\n");
  assert.match(out[0] ?? "", /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE$/);
  assert.match(out[1] ?? "", /^Images\s+3\s+0\s+\d+(\.\d+)?[kM]B\s+\d+(\.\d+)?[kM]B \(100%\)$/);
  const v = ok(root, ["system", "df", "-v"]);
  assert.match(
    v,
    /Images space usage:\n\nREPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\s+SHARED SIZE\s+UNIQUE SIZE\s+CONTAINERS\n/,
  );
  assert.match(v, /filt\/a\s+1\s+[a-f0-9]{12}/);
});

test("image prune -a and system prune -a remove every unused image and their layers", () => {
  const r = ok(root, ["image", "prune", "-a", "-f", "--filter", "label=tier=web"]);
  assert.match(r, /untagged: filt\/a:1\n/);
  assert.deepEqual(ok(root, ["images", "--format", "{{.Repository}}"]).trim().split("\n").sort(), [
    "filt/b",
    "other/c",
  ]);
  const all = hoist(root, ["system", "prune", "-a"], { input: "y\n" });
  assert.match(all.stdout, /WARNING! This will remove:\n {2}- all stopped containers\n/);
  assert.match(all.stdout, /Total reclaimed space: \d+(\.\d+)?[kM]B\n$/);
  assert.equal(ok(root, ["images", "-a", "-q"]), "");
  assert.match(ok(root, ["system", "df"]), /Images\s+0\s+0\s+0B\s+0B/);
});

test("version and info", () => {
  assert.match(ok(root, ["version"]), /Version:\s+\d+\.\d+\.\d+/);
  assert.match(ok(root, ["--version"]), /^Hoist version \d+\.\d+\.\d+\n$/);
  assert.match(ok(root, ["version", "--format", "{{.Client.Version}}"]), /^\d+\.\d+\.\d+\n$/);
  const info = ok(root, ["info"]);
  assert.match(info, /Storage Driver: overlay/);
  assert.match(info, new RegExp(`Hoist Root Dir: ${root}`));
  assert.equal(ok(root, ["info", "--format", "{{.Images}}"]), "0\n");
  // The driver containers really get: vfs when asked for (or when overlay cannot mount).
  const vfs = hoist(root, ["info", "--format", "{{.Driver}}"], { env: { HOIST_STORAGE_DRIVER: "vfs" } });
  assert.equal(vfs.stdout, "vfs\n");
});
