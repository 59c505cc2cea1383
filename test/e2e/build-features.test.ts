// `hoist build` features beyond the basics: ADD (local archives, URLs with --checksum), COPY flags (--link,
// --parents, --exclude, wildcards, --chown by name), RUN --mount (cache, bind, tmpfs, secret), --network,
// --label, and the README's examples/hello.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { join } from "node:path";
import { busyboxTar, have, hoist, ok, removeDir, repo, tempDir } from "./helpers.ts";
import { startDistribution } from "./registry-client-helpers.ts";
import { withImageFs } from "../../src/build/test-helpers.ts";

let root = "";
let work = "";
let server: ChildProcess | undefined;
let serverUrl = "";

before(async () => {
  root = tempDir("hoist-buildf-");
  work = tempDir("hoist-buildf-ctx-");
  ok(root, ["import", busyboxTar(), "busybox:latest"]);
  // A file server in its own process (hoist runs synchronously here).
  const script =
    "const h=require('http');const s=h.createServer((q,r)=>{r.setHeader('Last-Modified','Tue, 01 Jan 2019 00:00:00 GMT');r.end('downloaded\\n')}).listen(0,'127.0.0.1',()=>console.log(s.address().port))";
  server = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) =>
    server?.stdout?.once("data", (d: Buffer) => resolve(d.toString().trim())),
  );
  serverUrl = `http://127.0.0.1:${port}`;
});

after(() => {
  server?.kill();
  removeDir(root);
  removeDir(work);
});

let n = 0;
function context(files: Record<string, string>): string {
  const dir = join(work, `ctx${n++}`);
  for (const [name, data] of Object.entries(files)) {
    fs.mkdirSync(join(dir, name, ".."), { recursive: true });
    fs.writeFileSync(join(dir, name), data);
  }
  return dir;
}

function built(dir: string, args: string[] = []): string {
  const r = hoist(root, ["build", "--progress=plain", ...args, dir]);
  assert.equal(r.code, 0, r.stderr);
  return r.stderr;
}

function inImage<T>(ref: string, fn: (dir: string) => T): T {
  return withImageFs(root, ref, fn);
}

test("ADD: a local tar.gz is unpacked, a plain file is not; a URL is downloaded and its --checksum checked", () => {
  const dir = context({ "plain.txt": "plain\n" });
  fs.mkdirSync(join(work, "arch/inner"), { recursive: true });
  fs.writeFileSync(join(work, "arch/inner/file"), "from archive\n");
  spawnSync("tar", ["-czf", join(dir, "archive.tar.gz"), "-C", join(work, "arch"), "inner"]);
  const sum = `sha256:${createHash("sha256").update("downloaded\n").digest("hex")}`;
  fs.writeFileSync(
    join(dir, "Dockerfile"),
    `FROM busybox\nADD archive.tar.gz /unpacked/\nADD plain.txt /plain/\nADD --checksum=${sum} ${serverUrl}/files/data.bin /dl/\n`,
  );
  built(dir, ["-t", "add:1"]);
  inImage("add:1", (d) => {
    assert.equal(fs.readFileSync(join(d, "unpacked/inner/file"), "utf8"), "from archive\n");
    assert.equal(fs.readFileSync(join(d, "plain/plain.txt"), "utf8"), "plain\n");
    const st = fs.statSync(join(d, "dl/data.bin"));
    assert.equal(fs.readFileSync(join(d, "dl/data.bin"), "utf8"), "downloaded\n");
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(st.mtime.toISOString(), "2019-01-01T00:00:00.000Z");
  });
  const bad = context({ Dockerfile: `FROM busybox\nADD --checksum=sha256:${"0".repeat(64)} ${serverUrl}/x /x\n` });
  const r = hoist(root, ["build", bad]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Dockerfile:2: ADD .*digest mismatch/);
});

test("COPY: wildcards, --exclude, --parents, --link, --chown by name, --chmod", () => {
  const dir = context({
    "src/a.js": "a",
    "src/b.js": "b",
    "src/c.test.js": "c",
    "src/readme.md": "r",
    "pkg/x/one/file.txt": "1",
    "pkg/x/two/file.txt": "2",
    Dockerfile: [
      "FROM busybox",
      "COPY src/*.js /wild/",
      "COPY --exclude=*.test.js --exclude=*.md src /excl/",
      "COPY --parents pkg/x/*/file.txt /par/",
      "COPY --link src/a.js /linked/a.js",
      "COPY --chown=nobody:nogroup --chmod=600 src/b.js /owned/",
      "",
    ].join("\n"),
  });
  built(dir, ["-t", "copyflags:1"]);
  inImage("copyflags:1", (d) => {
    assert.deepEqual(fs.readdirSync(join(d, "wild")).sort(), ["a.js", "b.js", "c.test.js"]);
    assert.deepEqual(fs.readdirSync(join(d, "excl")).sort(), ["a.js", "b.js"]);
    assert.equal(fs.readFileSync(join(d, "par/pkg/x/two/file.txt"), "utf8"), "2");
    assert.equal(fs.readFileSync(join(d, "linked/a.js"), "utf8"), "a");
    const st = fs.statSync(join(d, "owned/b.js"));
    assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [65534, 65534, 0o600]);
  });
});

test("COPY --link: its layer is reused when the steps before it change", () => {
  const dir = context({
    "a.txt": "a\n",
    Dockerfile: "FROM busybox\nARG X\nRUN echo $X > /x\nCOPY --link a.txt /linked/\nCOPY a.txt /plain/\n",
  });
  built(dir, ["--build-arg", "X=1"]);
  const second = built(dir, ["--build-arg", "X=2", "-t", "link:2"]);
  assert.match(second, /#3 \[3\/4\] COPY --link a\.txt \/linked\/\n#3 CACHED/);
  assert.doesNotMatch(second, /#4 CACHED/, "a plain COPY after the changed RUN is not reused");
  inImage("link:2", (d) => assert.equal(fs.readFileSync(join(d, "x"), "utf8"), "2\n"));
});

test("RUN --mount: a cache directory persists across builds; bind from the context and from a stage; tmpfs; secrets", () => {
  const secretFile = join(work, "secret.txt");
  fs.writeFileSync(secretFile, "t0ps3cret");
  const dir = context({
    "data/input.txt": "bound\n",
    Dockerfile: [
      "FROM busybox AS tools",
      "RUN mkdir /tools && echo tool > /tools/t",
      "FROM busybox",
      "RUN --mount=type=cache,target=/cache echo x >> /cache/count && wc -l < /cache/count > /count",
      "RUN --mount=type=bind,source=data,target=/in cp /in/input.txt /copied",
      "RUN --mount=type=bind,from=tools,source=/tools,target=/t cat /t/t > /from-stage",
      "RUN --mount=type=tmpfs,target=/scratch touch /scratch/x && mount | grep -c ' /scratch ' > /tmpfs",
      "RUN --mount=type=secret,id=tok cat /run/secrets/tok | wc -c > /secret-len",
      'RUN --mount=type=secret,id=tok,env=TOKEN echo "${#TOKEN} ${TOKEN%s3cret}" > /secret-env',
      "",
    ].join("\n"),
  });
  built(dir, ["-t", "mounts:1", "--secret", `id=tok,src=${secretFile}`]);
  built(dir, ["-t", "mounts:2", "--no-cache", "--secret", `id=tok,src=${secretFile}`]);
  inImage("mounts:2", (d) => {
    assert.equal(fs.readFileSync(join(d, "count"), "utf8").trim(), "2", "the cache mount kept the first build's line");
    assert.equal(fs.existsSync(join(d, "cache")), false, "the mount point is not in the image");
    assert.equal(fs.readFileSync(join(d, "copied"), "utf8"), "bound\n");
    assert.equal(fs.readFileSync(join(d, "from-stage"), "utf8"), "tool\n");
    assert.equal(fs.readFileSync(join(d, "tmpfs"), "utf8").trim(), "1");
    assert.equal(fs.existsSync(join(d, "scratch")), false);
    assert.equal(fs.readFileSync(join(d, "secret-len"), "utf8").trim(), "9");
    assert.equal(fs.readFileSync(join(d, "secret-env"), "utf8"), "9 t0p\n");
    assert.equal(fs.existsSync(join(d, "run/secrets")), false);
  });
  const history = ok(root, ["history", "--no-trunc", "mounts:2"]);
  assert.doesNotMatch(history, /t0ps3cret/);
  const required = context({
    Dockerfile: "FROM busybox\nRUN --mount=type=secret,id=tok,required cat /run/secrets/tok\n",
  });
  const missing = hoist(root, ["build", required]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Dockerfile:2: RUN .*secret tok not found/);
});

test("--network none, --label, USER for RUN and for WORKDIR's new directory", () => {
  const dir = context({
    Dockerfile: [
      "FROM busybox",
      "RUN --network=none cat /proc/net/dev | grep -c : > /ifaces",
      "USER nobody",
      "WORKDIR /home/work",
      "RUN touch mine && id -u > uid",
      "",
    ].join("\n"),
  });
  built(dir, ["-t", "net:1", "--label", "com.example.built-by=test", "--network", "host"]);
  const labels = JSON.parse(ok(root, ["inspect", "--format", "{{json .Config.Labels}}", "net:1"])) as Record<
    string,
    string
  >;
  assert.equal(labels["com.example.built-by"], "test");
  inImage("net:1", (d) => {
    assert.equal(fs.readFileSync(join(d, "ifaces"), "utf8").trim(), "1", "only the loopback interface");
    assert.equal(fs.statSync(join(d, "home/work")).uid, 65534);
    assert.equal(fs.statSync(join(d, "home/work/mine")).uid, 65534);
    assert.equal(fs.readFileSync(join(d, "home/work/uid"), "utf8").trim(), "65534");
  });
});

test("examples/hello builds and runs (the README's main job)", () => {
  const r = hoist(root, ["build", "-q", "-t", "hello", join(repo, "examples/hello")]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(ok(root, ["run", "--rm", "hello"]), /^Hello from Hoist, world!/);
  assert.match(ok(root, ["run", "--rm", "hello", "you"]), /^Hello from Hoist, you!/);
});

test(
  "a base image missing from the store is pulled (FROM and COPY --from); --pull pulls again",
  { skip: have("docker-registry") ? false : "docker-registry is needed" },
  async () => {
    const reg = await startDistribution(join(work, "registry"));
    const fresh = tempDir("hoist-buildf-pull-");
    try {
      const remote = `${reg.host}/lib/busybox:latest`;
      ok(root, ["tag", "busybox:latest", remote]);
      ok(root, ["push", "-q", remote]);
      const dir = context({
        Dockerfile: `FROM ${reg.host}/lib/busybox\nCOPY --from=${remote} /bin/busybox /copied\nRUN test -x /copied\n`,
      });
      const r = hoist(fresh, ["build", "--progress=plain", "-t", "pulled:1", dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(ok(fresh, ["images"]), /lib\/busybox/);
      const again = hoist(fresh, ["build", "--progress=plain", "--pull", "-t", "pulled:1", dir]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /CACHED/, "same base image: the steps are cached");
    } finally {
      await reg.stop();
      removeDir(fresh);
    }
  },
);
