// The everyday image commands end to end: import, images, tag, rmi, inspect, history, errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { execFileSync } from "node:child_process";
import { busyboxTar, hoist, ok, removeDir, tempDir } from "./helpers.ts";

let root = "";
let tar = "";
let id = "";
interface StateLike {
  images: Record<string, { names: string[]; manifest: { digest: string } }>;
}
const sha256 = (b: Buffer): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

before(() => {
  root = tempDir();
  tar = busyboxTar();
  id = ok(root, ["import", tar, "busybox:latest"]).trim();
});
after(() => removeDir(root));

test("import prints the image ID, the sha256 of the config", () => {
  assert.match(id, /^sha256:[a-f0-9]{64}$/);
  const inspect = JSON.parse(ok(root, ["inspect", "busybox"])) as { Id: string; RootFS: { Layers: string[] } }[];
  assert.equal(inspect[0]?.Id, id);
});

test("the layer's diffID is the sha256 of the imported tar", () => {
  const layers = JSON.parse(ok(root, ["inspect", "--format", "{{json .RootFS.Layers}}", "busybox"])) as string[];
  assert.deepEqual(layers, [sha256(readFileSync(tar))]);
});

test("importing a tarball the store holds again reuses its layer, plain or gzip, with the right blobs", () => {
  const r = tempDir();
  try {
    const plain = readFileSync(tar);
    const gz = join(r, "bb.tar.gz");
    writeFileSync(gz, gzipSync(plain));
    for (const [name, file] of [
      ["p:1", tar],
      ["p:2", tar],
      ["g:1", gz],
      ["g:2", gz],
    ] as const)
      ok(r, ["import", file, name]);
    const diffIds = new Set(
      ["p:1", "p:2", "g:1", "g:2"].map((n) => ok(r, ["inspect", "-f", "{{json .RootFS.Layers}}", n]).trim()),
    );
    assert.deepEqual([...diffIds], [JSON.stringify([sha256(plain)])]);
    assert.equal(readdirSync(join(r, "layers")).length, 1, "one extracted layer");
    // Each image's manifest names the blob it was imported from: the plain tar, or the gzip file.
    const layerBlob = (name: string): string => {
      const img = (JSON.parse(readFileSync(join(r, "state.json"), "utf8")) as StateLike).images;
      const rec = Object.values(img).find((i) => i.names.includes(`docker.io/library/${name}`));
      const hex = (rec?.manifest.digest ?? "").slice(7);
      const m = JSON.parse(readFileSync(join(r, "blobs", "sha256", hex), "utf8")) as { layers: { digest: string }[] };
      return m.layers[0]?.digest ?? "";
    };
    assert.equal(layerBlob("p:2"), sha256(plain));
    assert.equal(layerBlob("g:2"), sha256(readFileSync(gz)));
  } finally {
    removeDir(r);
  }
});

test("images --format '{{json .}}': the row's fields with sorted keys, as docker marshals them", () => {
  const line = ok(root, ["images", "--format", "{{json .}}", "busybox"]).trim();
  const keys = Object.keys(JSON.parse(line) as object);
  assert.deepEqual(keys, [...keys].sort());
  assert.ok(keys.includes("Repository") && keys.includes("ID"), line);
});

test("images lists REPOSITORY TAG IMAGE ID CREATED SIZE like docker", () => {
  const out = ok(root, ["images"]).split("\n");
  assert.match(out[0] ?? "", /^REPOSITORY\s{3,}TAG\s{3,}IMAGE ID\s{3,}CREATED\s{3,}SIZE$/);
  const row = out.find((l) => l.startsWith("busybox "));
  assert.ok(row, out.join("\n"));
  assert.match(
    row,
    new RegExp(
      `^busybox\\s+latest\\s+${id.slice(7, 19)}\\s+(Less than a second|\\d+ seconds?) ago\\s+\\d+(\\.\\d+)?[kM]B$`,
    ),
  );
  assert.equal(ok(root, ["images", "-q"]).trim().split("\n").includes(id.slice(7, 19)), true);
  assert.equal(ok(root, ["images", "--no-trunc", "--format", "{{.ID}}", "busybox"]).trim(), id);
});

test("tag adds names; re-tagging moves a tag; untagged images show as <none>", () => {
  ok(root, ["tag", "busybox", "example.com:5000/team/bb:v1"]);
  const rows = ok(root, ["images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"]).trim().split("\n");
  assert.ok(rows.includes(`example.com:5000/team/bb:v1 ${id.slice(7, 19)}`), rows.join("\n"));
  const id2 = ok(root, ["import", "--message", "second", tar, "other:1"]).trim();
  ok(root, ["tag", "other:1", "example.com:5000/team/bb:v1"]);
  const after = ok(root, ["images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}", "example.com:5000/team/bb"]).trim();
  assert.equal(after, `example.com:5000/team/bb:v1 ${id2.slice(7, 19)}`);
  // Removing the only other name leaves the second image without names only if deleted: rmi untags then deletes.
  ok(root, ["tag", "other:1", "other:2"]);
  const untag = ok(root, ["rmi", "other:1"]);
  assert.equal(untag, "Untagged: other:1\n");
  const del = ok(root, ["rmi", "example.com:5000/team/bb:v1", "other:2"]);
  assert.match(del, /Untagged: example.com:5000\/team\/bb:v1\nUntagged: other:2\nDeleted: sha256:/);
  assert.equal(hoist(root, ["inspect", id2]).code, 1);
});

test("an image without names shows as <none> <none> and as dangling", () => {
  const id3 = ok(root, ["import", tar]).trim();
  const rows = ok(root, ["images", "--filter", "dangling=true", "--format", "{{.Repository}} {{.Tag}} {{.ID}}"]).trim();
  assert.equal(rows, `<none> <none> ${id3.slice(7, 19)}`);
  assert.ok(!ok(root, ["images", "--filter", "dangling=false", "-q"]).includes(id3.slice(7, 19)));
  ok(root, ["rmi", id3.slice(7, 19)]);
});

test("rmi of an image referenced in several repositories needs -f", () => {
  const id4 = ok(root, ["import", tar, "multi/a:1"]).trim();
  ok(root, ["tag", "multi/a:1", "multi/b:1"]);
  const r = hoist(root, ["rmi", id4.slice(7, 19)]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /conflict: unable to delete [a-f0-9]{12} \(must be forced\) - image is referenced in multiple repositories/,
  );
  const forced = ok(root, ["rmi", "-f", id4.slice(7, 19)]);
  assert.match(forced, /Untagged: multi\/a:1\nUntagged: multi\/b:1\nDeleted: sha256:/);
});

test("history shows docker's columns", () => {
  const out = ok(root, ["history", "busybox"]).split("\n");
  assert.match(out[0] ?? "", /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
  assert.match(out[1] ?? "", new RegExp(`^${id.slice(7, 19)}\\s+.+ago\\s+\\S+\\s+Imported from -$`));
  assert.equal(ok(root, ["history", "-q", "busybox"]).trim(), id.slice(7, 19));
  assert.match(ok(root, ["history", "-H=false", "--format", "{{.Size}}", "busybox"]).trim(), /^\d+$/);
});

test("import --change and --message set the config", () => {
  const idc = ok(root, [
    "import",
    "-c",
    'CMD ["/bin/sh", "-c", "echo hi"]',
    "-c",
    "ENV A=1 B=two",
    "-c",
    "WORKDIR /srv",
    "-c",
    "EXPOSE 8080",
    "-c",
    'LABEL org.example.x="y z"',
    "-c",
    "USER nobody",
    "-c",
    "ENTRYPOINT /bin/sh",
    "-m",
    "hello",
    tar,
    "changed:1",
  ]).trim();
  const [img] = JSON.parse(ok(root, ["inspect", idc])) as { Comment: string; Config: Record<string, unknown> }[];
  assert.ok(img);
  assert.deepEqual(img.Config.Cmd, ["/bin/sh", "-c", "echo hi"]);
  assert.deepEqual(img.Config.Entrypoint, ["/bin/sh", "-c", "/bin/sh"]);
  assert.deepEqual(img.Config.Env, ["A=1", "B=two"]);
  assert.equal(img.Config.WorkingDir, "/srv");
  assert.deepEqual(img.Config.ExposedPorts, { "8080/tcp": {} });
  assert.deepEqual(img.Config.Labels, { "org.example.x": "y z" });
  assert.equal(img.Config.User, "nobody");
  assert.equal(img.Comment, "hello");
  assert.equal(ok(root, ["inspect", "-f", '{{index .Config.Labels "org.example.x"}}', "changed:1"]), "y z\n");
  const bad = hoist(root, ["import", "-c", "RUN echo", tar, "bad:1"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Error: run is not a valid change command/);
});

test("import from stdin", () => {
  const ids = ok(root, ["import", "-", "stdin:1"], { input: readFileSync(tar) }).trim();
  assert.match(ids, /^sha256:/);
  assert.equal(JSON.parse(ok(root, ["inspect", "-f", "{{json .RepoTags}}", ids]))[0], "stdin:1");
});

test("bad input: unknown image, invalid reference, unknown flag, wrong arg count", () => {
  let r = hoist(root, ["rmi", "nosuch"]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "Error: No such image: nosuch\n");
  r = hoist(root, ["image", "inspect", "nosuch"]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "Error: No such image: nosuch\n");
  r = hoist(root, ["history", "nosuch:1"]);
  assert.equal(r.stderr, "Error: No such image: nosuch:1\n");
  r = hoist(root, ["tag", "busybox", "Bad/Name"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /invalid reference format: repository name \(Name\) must be lowercase/);
  r = hoist(root, ["images", "--bogus"]);
  assert.equal(r.code, 125);
  assert.equal(r.stderr, "unknown flag: --bogus\nSee 'hoist images --help'.\n");
  r = hoist(root, ["tag", "busybox"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /"hoist tag" requires exactly 2 arguments/);
  r = hoist(root, ["nosuchcommand"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /'nosuchcommand' is not a hoist command/);
  r = hoist(root, ["import", "/nonexistent.tar", "x:1"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no such file or directory/);
});

test("a corrupt tarball adds nothing to the store", () => {
  const before = ok(root, ["images", "-a", "-q", "--no-trunc"]);
  const garbage = Buffer.alloc(4096, 7);
  const r = hoist(root, ["import", "-", "garbage:1"], { input: garbage });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Error: /);
  const truncated = readFileSync(tar).subarray(0, 100_000);
  const t = hoist(root, ["import", "-", "truncated:1"], { input: truncated });
  assert.equal(t.code, 1);
  assert.equal(ok(root, ["images", "-a", "-q", "--no-trunc"]), before);
  assert.match(ok(root, ["system", "check"]), /No problems found/);
});

test("--help on commands and groups", () => {
  assert.match(ok(root, ["images", "--help"]), /Usage: {2}hoist images \[OPTIONS\] \[REPOSITORY\[:TAG\]\]/);
  assert.match(ok(root, ["image", "--help"]), /Usage: {2}hoist image COMMAND/);
  assert.match(ok(root, ["--help"]), /Usage: {2}hoist \[OPTIONS\] COMMAND/);
  for (const cmd of ["import", "tag", "rmi", "inspect", "history", "save", "load", "version", "info"])
    assert.match(ok(root, [cmd, "--help"]), new RegExp(`Usage:  hoist ${cmd}`));
  for (const cmd of ["prune", "ls", "rm"]) assert.match(ok(root, ["image", cmd, "--help"]), /Usage: {2}hoist /);
  for (const cmd of ["df", "prune", "check"])
    assert.match(ok(root, ["system", cmd, "--help"]), /Usage: {2}hoist system/);
});

test("import from a URL (a server on 127.0.0.1 that the test runs)", async () => {
  const { createServer } = await import("node:http");
  const { hoistAsync } = await import("./helpers.ts");
  const body = readFileSync(tar);
  const server = createServer((req, res) => {
    if (req.url === "/rootfs.tar") res.end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const port = (server.address() as { port: number }).port;
    const r = await hoistAsync(root, ["import", `http://127.0.0.1:${port}/rootfs.tar`, "fromurl:1"]);
    assert.equal(r.code, 0, r.stderr);
    const [img] = JSON.parse(ok(root, ["inspect", "fromurl:1"])) as { Comment: string; RootFS: { Layers: string[] } }[];
    assert.equal(img?.Comment, `Imported from http://127.0.0.1:${port}/rootfs.tar`);
    assert.deepEqual(img?.RootFS.Layers, [sha256(body)]);
    const missing = await hoistAsync(root, ["import", `http://127.0.0.1:${port}/nope.tar`, "fromurl:2"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /404/);
  } finally {
    server.close();
  }
});

test("malicious tarballs are refused with the entry named, and nothing is stored", () => {
  const before = ok(root, ["images", "-a", "-q", "--no-trunc"]);
  const py = (script: string): Buffer => execFileSync("python3", ["-c", script]);
  const cases: [string, Buffer, RegExp][] = [
    [
      "dot-dot escape",
      py(`import tarfile,io,sys
b=io.BytesIO(); t=tarfile.open(fileobj=b,mode="w")
i=tarfile.TarInfo("../escape.txt"); d=b"x"; i.size=len(d); t.addfile(i,io.BytesIO(d)); t.close(); sys.stdout.buffer.write(b.getvalue())`),
      /\.\.\/escape\.txt/,
    ],
    [
      "write through a symlinked parent",
      py(`import tarfile,io,sys
b=io.BytesIO(); t=tarfile.open(fileobj=b,mode="w")
l=tarfile.TarInfo("link"); l.type=tarfile.SYMTYPE; l.linkname="/etc"; t.addfile(l)
i=tarfile.TarInfo("link/passwd"); d=b"owned"; i.size=len(d); t.addfile(i,io.BytesIO(d)); t.close(); sys.stdout.buffer.write(b.getvalue())`),
      /link\/passwd/,
    ],
    [
      "hardlink to outside",
      py(`import tarfile,io,sys
b=io.BytesIO(); t=tarfile.open(fileobj=b,mode="w")
l=tarfile.TarInfo("hl"); l.type=tarfile.LNKTYPE; l.linkname="../../etc/passwd"; t.addfile(l); t.close(); sys.stdout.buffer.write(b.getvalue())`),
      /hl/,
    ],
  ];
  for (const [what, data, entry] of cases) {
    const r = hoist(root, ["import", "-", `evil:${what.replace(/\W+/g, "-")}`], { input: data });
    assert.equal(r.code, 1, what);
    assert.match(r.stderr, /^Error: /, what);
    assert.match(r.stderr, entry, what);
  }
  assert.equal(ok(root, ["images", "-a", "-q", "--no-trunc"]), before);
  assert.match(ok(root, ["system", "check"]), /No problems found/);
});
