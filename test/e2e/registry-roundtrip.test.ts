// hoist's own client against hoist's own registry server: push, pull, search, and skopeo reading it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { join } from "node:path";
import { busyboxTar, hoistAsync, hoistBin, ok, removeDir, tempDir } from "./helpers.ts";
import { freePort, waitUntilUp } from "./registry-client-helpers.ts";

test("push to and pull from `hoist registry serve`", async () => {
  const dir = tempDir();
  const port = await freePort();
  const server = spawn(
    hoistBin,
    ["registry", "serve", "--addr", `127.0.0.1:${port}`, "--root", join(dir, "reg"), "--workers", "1"],
    {
      stdio: "ignore",
    },
  );
  try {
    await waitUntilUp(`http://127.0.0.1:${port}/v2/`);
    const a = join(dir, "a");
    const b = join(dir, "b");
    const id = ok(a, [
      "import",
      "-c",
      "LABEL org.opencontainers.image.description=hoisted",
      busyboxTar(),
      "busybox:1",
    ]).trim();
    const ref = `127.0.0.1:${port}/team/busybox:1`;
    ok(a, ["tag", "busybox:1", ref]);
    const push = await hoistAsync(a, ["push", ref]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, new RegExp(`The push refers to repository \\[127.0.0.1:${port}/team/busybox\\]`));
    assert.match(push.stdout, /1: digest: sha256:[a-f0-9]{64} size: \d+/);
    const again = await hoistAsync(a, ["push", ref]);
    assert.match(again.stdout, /Layer already exists/);
    const cfg = JSON.parse(
      execFileSync("skopeo", ["inspect", "--tls-verify=false", "--config", `docker://${ref}`], { encoding: "utf8" }),
    ) as {
      rootfs: { diff_ids: string[] };
    };
    assert.deepEqual(cfg.rootfs.diff_ids, JSON.parse(ok(a, ["inspect", "-f", "{{json .RootFS.Layers}}", ref])));
    const pull = await hoistAsync(b, ["pull", ref]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, /Status: Downloaded newer image for/);
    assert.equal(ok(b, ["inspect", "-f", "{{.Id}}", ref]).trim(), id);
    assert.match(ok(b, ["system", "check"]), /No problems found/);
    const search = await hoistAsync(b, ["search", `127.0.0.1:${port}/busybox`]);
    assert.equal(search.code, 0, search.stderr);
    assert.match(search.stdout, /team\/busybox\s+hoisted/);
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.on("close", r));
    removeDir(dir);
  }
});
