import assert from "node:assert/strict";
import { test } from "node:test";
import { AccessPolicy } from "./access.ts";
import { formatScope, parseScopes } from "./scope.ts";

test("first matching rule decides; * everyone, + signed-in users; delete defaults to push", () => {
  const p = new AccessPolicy(
    [
      { repository: "public/*", pull: ["*"], push: ["alice"] },
      { repository: "team/**", pull: ["+"], push: ["bob"], delete: [] },
      { repository: "*", pull: ["admin"], push: ["admin"] },
    ],
    false,
  );
  assert.ok(p.allowed(undefined, "public/a/b", "pull"));
  assert.ok(!p.allowed(undefined, "public/a", "push"));
  assert.ok(p.allowed("alice", "public/a", "delete"));
  assert.ok(!p.allowed(undefined, "team/x", "pull"));
  assert.ok(p.allowed("carol", "team/x", "pull"));
  assert.ok(!p.allowed("bob", "team/x", "delete"));
  assert.ok(!p.allowed("alice", "other", "pull"));
  assert.ok(p.allowed("admin", "other", "push"));
  assert.deepEqual(p.granted("alice", "public/a", ["pull", "push", "bogus"]), ["pull", "push"]);
  assert.deepEqual(p.granted(undefined, "public/a", ["*"]), ["pull"]);
});

test("without rules: open servers allow all, authenticated servers allow signed-in users only", () => {
  assert.ok(new AccessPolicy([], true).allowed(undefined, "x", "push"));
  const closed = new AccessPolicy([], false);
  assert.ok(!closed.allowed(undefined, "x", "pull"));
  assert.ok(closed.allowed("u", "x", "delete"));
});

test("scopes parse as Docker's token spec writes them", () => {
  assert.deepEqual(
    parseScopes([
      "repository:team/app:pull,push",
      "repository:a:pull repository(plugin):b:pull",
      "registry:catalog:*",
      "bad",
      "repository:x:",
    ]),
    [
      { type: "repository", name: "team/app", actions: ["pull", "push"] },
      { type: "repository", name: "a", actions: ["pull"] },
      { type: "repository", name: "b", actions: ["pull"] },
      { type: "registry", name: "catalog", actions: ["*"] },
    ],
  );
  assert.equal(formatScope("a/b", ["pull", "push"]), "repository:a/b:pull,push");
});
