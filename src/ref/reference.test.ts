// API behaviour beyond the shared conformance cases: messages, defaults, immutability.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  familiarName,
  familiarString,
  isInvalidReference,
  isNameOnly,
  parseAnyReference,
  parseDockerRef,
  parseNormalizedNamed,
  parseReference,
  splitDockerDomain,
  splitDomain,
  tagOrDefault,
  toString,
  trimNamed,
  withDigest,
  withTag,
} from "./index.ts";

const hex = "e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582";

function failsWith(fn: () => unknown, kind: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isInvalidReference(e));
    assert.equal(e.kind, kind);
    assert.equal(e.code, "INVALID_REFERENCE");
    assert.equal(e.message, message);
    return true;
  });
}

test("normalizer errors are worded as docker prints them", () => {
  failsWith(
    () => parseNormalizedNamed("Ubuntu:22.04"),
    "name-uppercase",
    "invalid reference format: repository name (library/Ubuntu) must be lowercase",
  );
  failsWith(
    () => parseNormalizedNamed(hex),
    "identifier-as-name",
    `invalid repository name (${hex}), cannot specify 64-byte hexadecimal strings`,
  );
  failsWith(() => parseNormalizedNamed(":tag"), "invalid-format", "invalid reference format");
  failsWith(() => parseNormalizedNamed(""), "invalid-format", "invalid reference format");
  failsWith(
    () => parseNormalizedNamed(`x/${"a".repeat(300)}`),
    "name-too-long",
    "repository name must not be more than 255 characters",
  );
});

test("digests: registered algorithms only, lower-case hex of the right length", () => {
  assert.equal(parseReference(`a@sha384:${"f".repeat(96)}`).digest, `sha384:${"f".repeat(96)}`);
  failsWith(() => parseReference(`a@sha256:${hex.toUpperCase()}`), "digest-format", "invalid checksum digest format");
  failsWith(() => parseReference(`a@sha384:${hex}`), "digest-length", "invalid checksum digest length");
  failsWith(() => parseReference(`a@md5:${hex}`), "digest-unsupported", "unsupported digest algorithm");
  // Not a valid digest, so (as in Go) it is read as the image "sha256" with an upper-case tag.
  const upper = hex.toUpperCase();
  assert.equal(toString(parseAnyReference(`sha256:${upper}`)), `docker.io/library/sha256:${upper}`);
});

test("tagOrDefault adds latest only to a bare name", () => {
  assert.equal(toString(tagOrDefault(parseNormalizedNamed("busybox"))), "docker.io/library/busybox:latest");
  assert.equal(toString(tagOrDefault(parseNormalizedNamed("busybox:1"))), "docker.io/library/busybox:1");
  const digested = parseNormalizedNamed(`busybox@sha256:${hex}`);
  assert.equal(tagOrDefault(digested), digested);
  assert.equal(toString(tagOrDefault(parseReference("x"), "edge")), "x:edge");
});

test("parseDockerRef keeps only the digest when both are given", () => {
  const ref = parseDockerRef(`busybox:1@sha256:${hex}`);
  assert.equal(ref.tag, undefined);
  assert.equal(familiarString(ref), `busybox@sha256:${hex}`);
});

test("references are frozen plain values; helpers return new ones", () => {
  const ref = parseNormalizedNamed("redis:7");
  assert.ok(Object.isFrozen(ref));
  assert.deepEqual(trimNamed(ref), { domain: "docker.io", path: "library/redis" });
  assert.equal(isNameOnly(trimNamed(ref)), true);
  assert.equal(toString(withTag(ref, "8")), "docker.io/library/redis:8");
  assert.equal(ref.tag, "7");
  assert.equal(toString(withDigest(ref, `sha256:${hex}`)), `docker.io/library/redis:7@sha256:${hex}`);
  failsWith(() => withTag(ref, "-bad"), "invalid-tag", "invalid tag format");
  failsWith(() => withDigest(ref, "sha256:abc"), "invalid-digest", "invalid digest format");
});

test("familiar forms", () => {
  assert.equal(familiarName(parseNormalizedNamed("docker.io/library/redis")), "redis");
  assert.equal(familiarName(parseNormalizedNamed("library/foo/bar")), "library/foo/bar");
  assert.equal(familiarName(parseNormalizedNamed("gcr.io/library/redis")), "gcr.io/library/redis");
  assert.equal(familiarString(parseAnyReference(hex)), `sha256:${hex}`);
});

test("domain splitting", () => {
  assert.deepEqual(splitDomain("a/b/c"), { domain: "a", path: "b/c" });
  assert.deepEqual(splitDomain("Foo/FarB"), { domain: "", path: "Foo/FarB" });
  assert.deepEqual(splitDockerDomain("index.docker.io/debian:12"), {
    domain: "docker.io",
    remainder: "library/debian:12",
  });
  assert.deepEqual(splitDockerDomain("localhost/x"), { domain: "localhost", remainder: "x" });
  assert.deepEqual(splitDockerDomain("user/x"), { domain: "docker.io", remainder: "user/x" });
});

test("pathological inputs are rejected in linear time", () => {
  const start = performance.now();
  for (const s of [
    "a".repeat(50000) + "!",
    "a.".repeat(25000) + "!",
    "a/".repeat(25000) + "!",
    `a${"-a".repeat(25000)}-!`,
  ]) {
    assert.throws(
      () => parseReference(s),
      (e: unknown) => isInvalidReference(e),
    );
  }
  assert.ok(performance.now() - start < 2000);
});
