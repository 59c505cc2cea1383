import assert from "node:assert/strict";
import { test } from "node:test";
import type { Descriptor, Digest, Platform } from "../../oci/index.ts";
import { choosePlatform, normalizePlatform, parsePlatform } from "./platform.ts";
import { nextLink } from "./paginate.ts";
import { splitSearchTerm } from "./search.ts";
import { isInsecure, registryEndpoints } from "./endpoint.ts";

const d = (n: number, platform?: Partial<Platform>): Descriptor => ({
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}` as Digest,
  size: 1,
  ...(platform ? { platform: platform as Platform } : {}),
});

test("parsePlatform and normalizePlatform understand aliases and default variants", () => {
  assert.deepEqual(parsePlatform("linux/arm64"), { os: "linux", architecture: "arm64", variant: "v8" });
  assert.deepEqual(parsePlatform("linux/arm/7"), { os: "linux", architecture: "arm", variant: "v7" });
  assert.deepEqual(parsePlatform("arm64"), { os: "linux", architecture: "arm64", variant: "v8" });
  assert.deepEqual(normalizePlatform({ os: "linux", architecture: "aarch64" }), {
    os: "linux",
    architecture: "arm64",
    variant: "v8",
  });
  assert.deepEqual(normalizePlatform({ os: "linux", architecture: "x86_64" }), {
    os: "linux",
    architecture: "amd64",
    variant: "v1",
  });
  assert.throws(() => parsePlatform("linux//"), /unknown operating system/);
});

test("choosePlatform: exact match, variants, attestations skipped", () => {
  const index = [
    d(1, { os: "unknown", architecture: "unknown" }),
    d(2, { os: "linux", architecture: "arm", variant: "v6" }),
    d(3, { os: "linux", architecture: "arm", variant: "v7" }),
    d(4, { os: "linux", architecture: "arm64", variant: "v8" }),
    d(5, { os: "linux", architecture: "amd64" }),
    d(6, { os: "windows", architecture: "amd64" }),
  ];
  assert.equal(choosePlatform(index, parsePlatform("linux/amd64")), index[4]);
  assert.equal(choosePlatform(index, parsePlatform("linux/arm64")), index[3]);
  assert.equal(choosePlatform(index, parsePlatform("linux/arm/v7")), index[2]);
  assert.equal(choosePlatform(index, parsePlatform("linux/arm/v6")), index[1]);
  assert.equal(choosePlatform(index, parsePlatform("linux/arm/v5")), undefined, "a v5 machine cannot run v6");
  assert.equal(choosePlatform([index[1] as Descriptor], parsePlatform("linux/arm/v7")), index[1], "v7 runs v6");
  assert.equal(choosePlatform(index, parsePlatform("linux/s390x")), undefined);
  const arm64NoVariant = [d(7, { os: "linux", architecture: "arm64" })];
  assert.equal(choosePlatform(arm64NoVariant, parsePlatform("linux/arm64/v8")), arm64NoVariant[0]);
});

test("Link pagination, search terms with a registry, insecure registries", () => {
  const here = new URL("http://r:5000/v2/_catalog?n=2");
  assert.equal(nextLink('</v2/_catalog?last=b&n=2>; rel="next"', here)?.href, "http://r:5000/v2/_catalog?last=b&n=2");
  assert.equal(nextLink(undefined, here), undefined);
  assert.deepEqual(splitSearchTerm("localhost:5000/ubu"), { registry: "localhost:5000", term: "ubu" });
  assert.deepEqual(splitSearchTerm("bitnami/nginx"), { registry: "docker.io", term: "bitnami/nginx" });
  assert.deepEqual(splitSearchTerm("busybox"), { registry: "docker.io", term: "busybox" });
  assert.equal(isInsecure("localhost:5000", { env: {} }), true);
  assert.equal(isInsecure("127.0.0.5:80", { env: {} }), true);
  assert.equal(isInsecure("reg.example", { env: {} }), false);
  assert.equal(isInsecure("reg.example", { env: { HOIST_INSECURE_REGISTRIES: "a.example, reg.example" } }), true);
  assert.equal(isInsecure("10.1.2.3:5000", { env: { HOIST_INSECURE_REGISTRIES: "10.0.0.0/8" } }), true);
  assert.equal(isInsecure("reg.example", { env: {}, tlsVerify: false }), true);
  assert.deepEqual(registryEndpoints("reg.example", { env: {} }).urls.map(String), ["https://reg.example/"]);
  assert.deepEqual(registryEndpoints("localhost:5000", { env: {} }).urls.map(String), [
    "https://localhost:5000/",
    "http://localhost:5000/",
  ]);
  assert.deepEqual(registryEndpoints("docker.io", { env: {} }).urls.map(String), ["https://registry-1.docker.io/"]);
  assert.deepEqual(
    registryEndpoints("docker.io", { env: { HOIST_DOCKER_HUB_URL: "http://127.0.0.1:9" } }).urls.map(String),
    ["http://127.0.0.1:9/"],
  );
});
