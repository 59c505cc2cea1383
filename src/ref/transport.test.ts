import { test } from "node:test";
import assert from "node:assert/strict";
import { isTransportName, splitTransport } from "./transport.ts";

test("known prefixes are split off", () => {
  assert.deepEqual(splitTransport("docker://busybox:1"), { transport: "docker", rest: "busybox:1" });
  assert.deepEqual(splitTransport("docker-archive:/tmp/x.tar:busybox:1"), {
    transport: "docker-archive",
    rest: "/tmp/x.tar:busybox:1",
  });
  assert.deepEqual(splitTransport("oci:/tmp/layout:v1"), { transport: "oci", rest: "/tmp/layout:v1" });
  assert.deepEqual(splitTransport("oci-archive:x.tar"), { transport: "oci-archive", rest: "x.tar" });
  assert.deepEqual(splitTransport("containers-storage:busybox"), { transport: "containers-storage", rest: "busybox" });
  assert.deepEqual(splitTransport("oci:"), { transport: "oci", rest: "" });
});

test("anything else is a plain reference", () => {
  for (const s of [
    "busybox",
    "busybox:latest",
    "docker:24",
    "docker:",
    "ocix:foo",
    "localhost:5000/x",
    "",
    "Docker://x",
  ]) {
    assert.deepEqual(splitTransport(s), { transport: undefined, rest: s }, s);
  }
});

test("isTransportName", () => {
  assert.equal(isTransportName("oci"), true);
  assert.equal(isTransportName("dir"), false);
});
