// The same Dockerfiles built by hoist and by `buildah bud` (docker format, private vfs store) give the same
// files (merged filesystems compared entry by entry: type, mode, owner, size, content, link target; not
// times) and the same config fields.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { join } from "node:path";
import { busyboxTar, have, hoist, ok, removeDir, tempDir } from "./helpers.ts";
import { describeTree, treeDiff, withImageFs, type TreeEntry } from "../../src/build/test-helpers.ts";
import { canonicalContainerConfig, configOrder } from "../../src/image/changes.ts";

const skip = have("buildah") && have("podman") ? false : "buildah and podman are needed";

let root = "";
let peer = "";
let work = "";

function storage(): string[] {
  return ["--root", join(peer, "r"), "--runroot", join(peer, "rr"), "--storage-driver", "vfs"];
}

function buildah(args: string[], cwd?: string): string {
  return execFileSync("buildah", [...storage(), ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    ...(cwd ? { cwd } : {}),
  });
}

before(() => {
  if (skip) return;
  root = tempDir("hoist-bud-");
  peer = tempDir("hoist-bud-peer-");
  work = tempDir("hoist-bud-ctx-");
  const bb = busyboxTar();
  ok(root, ["import", bb, "busybox:latest"]);
  execFileSync("podman", [...storage(), "import", bb, "docker.io/library/busybox:latest"], { stdio: "ignore" });
});

after(() => {
  if (skip) return;
  removeDir(root);
  removeDir(peer);
  removeDir(work);
});

/** Files buildah 1.28 leaves behind from its RUN sandbox (empty mount points), which docker does not. */
function buildahLeftover(rel: string, e: TreeEntry): boolean {
  if (rel === "run" && e.type === "dir") return true;
  return ["etc/hosts", "etc/hostname", "etc/resolv.conf"].includes(rel) && e.type === "file" && e.size === 0;
}

function peerTree(image: string): Map<string, TreeEntry> {
  // `podman image mount`, not `buildah from`: that would run the image's ONBUILD triggers.
  const podman = (args: string[]): string => execFileSync("podman", [...storage(), ...args], { encoding: "utf8" });
  const dir = podman(["image", "mount", image]).trim();
  try {
    const tree = describeTree(dir);
    for (const [rel, e] of tree) if (buildahLeftover(rel, e)) tree.delete(rel);
    return tree;
  } finally {
    podman(["image", "unmount", image]);
  }
}

/** The config fields compared: image-spec's but ArgsEscaped, and docker's Healthcheck, OnBuild and Shell. */
const fields = [...configOrder.filter((f) => f !== "ArgsEscaped"), "Healthcheck", "OnBuild", "Shell"];

/** The config fields compared, with empty values and buildah's version label left out. */
function normalized(cfg: Record<string, unknown>): Record<string, unknown> {
  const { "io.buildah.version": _drop, ...labels } = (cfg.Labels ?? {}) as Record<string, string>;
  const canonical = canonicalContainerConfig({ ...cfg, Labels: labels });
  return Object.fromEntries(fields.filter((f) => f in canonical).map((f) => [f, canonical[f]]));
}

let n = 0;
function compare(files: Record<string, string>, extraArgs: string[] = []): void {
  const dir = join(work, `c${n}`);
  const tag = `cmp${n++}:latest`;
  for (const [name, data] of Object.entries(files)) {
    fs.mkdirSync(join(dir, name, ".."), { recursive: true });
    fs.writeFileSync(join(dir, name), data);
  }
  const r = hoist(root, ["build", "--progress=plain", "-t", tag, ...extraArgs, dir]);
  assert.equal(r.code, 0, r.stderr);
  buildah(["bud", "--format", "docker", "-t", tag, ...extraArgs, "."], dir);
  const ours = withImageFs(root, tag, (d) => describeTree(d));
  const theirs = peerTree(`localhost/${tag}`);
  assert.deepEqual(treeDiff(ours, theirs), [], "the same files");
  const ourCfg = JSON.parse(ok(root, ["inspect", "--format", "{{json .Config}}", tag])) as Record<string, unknown>;
  const peerCfg = (
    JSON.parse(buildah(["inspect", `localhost/${tag}`])) as { Docker: { config: Record<string, unknown> } }
  ).Docker.config;
  assert.deepEqual(normalized(ourCfg), normalized(peerCfg), "the same config");
}

test("single stage: config instructions, WORKDIR, COPY (files, directories, --chown, --chmod), RUN", { skip }, () => {
  compare({
    Dockerfile: [
      "FROM busybox",
      'LABEL org.example.name=demo version="1.0"',
      'ENV APP=/srv/app GREETING="hello world"',
      "WORKDIR $APP",
      "COPY app.sh ./",
      "COPY conf ./conf/",
      "COPY --chown=nobody:nogroup --chmod=640 secret.txt /etc/secret.txt",
      "COPY conf/a.conf /etc/",
      'RUN chmod +x app.sh && mkdir -p /var/data && echo "$GREETING" > /var/data/greeting',
      // (a port range is left out: BuildKit, and hoist, expose each port of it; buildah keeps the range as one key)
      "EXPOSE 8080/tcp 9000",
      "VOLUME /var/data",
      "USER nobody",
      "STOPSIGNAL SIGINT",
      'HEALTHCHECK --interval=30s --timeout=3s --retries=2 CMD ["true"]',
      'SHELL ["/bin/sh", "-ec"]',
      "ONBUILD RUN echo child",
      'ENTRYPOINT ["./app.sh"]',
      'CMD ["--serve"]',
      "",
    ].join("\n"),
    "app.sh": "#!/bin/sh\necho app\n",
    "conf/a.conf": "a=1\n",
    "conf/sub/b.conf": "b=2\n",
    "secret.txt": "s3cret\n",
  });
});

test("multi-stage with COPY --from, a whiteout, and .dockerignore", { skip }, () => {
  compare({
    Dockerfile: [
      "FROM busybox AS build",
      "RUN mkdir -p /out/bin && echo tool > /out/bin/tool && chmod 755 /out/bin/tool && ln -s tool /out/bin/alias",
      "FROM busybox",
      "COPY --from=build /out/ /usr/local/",
      "COPY . /ctx/",
      "RUN rm /etc/group && rm -r /home",
      "",
    ].join("\n"),
    ".dockerignore": "*.log\n!keep.log\nsecret\n",
    "keep.log": "k\n",
    "drop.log": "d\n",
    "secret/x": "x\n",
    "src/main.c": "int main(){}\n",
  });
});

test("build args in FROM and RUN", { skip }, () => {
  compare(
    {
      Dockerfile: 'ARG BASE=busybox\nFROM $BASE\nARG NAME=default\nRUN echo "$NAME" > /name\nENV NAME=$NAME\n',
    },
    ["--build-arg", "NAME=given"],
  );
});
