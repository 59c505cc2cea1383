// The conformance suite every storage driver runs (filesystem now; an S3 driver later runs the same cases).
import assert from "node:assert/strict";
import { test } from "node:test";
import { OffsetMismatch } from "./driver.ts";
import type { StorageDriver } from "./driver.ts";

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

async function readAll(
  d: StorageDriver,
  key: string,
  range?: { start?: number; end?: number },
): Promise<string | undefined> {
  const s = await d.reader(key, range);
  if (!s) return undefined;
  let out = "";
  for await (const c of s) out += (c as Buffer).toString();
  return out;
}

export function storageDriverSuite(
  name: string,
  make: () => Promise<{ driver: StorageDriver; cleanup(): Promise<void> }>,
): void {
  const withDriver = (title: string, fn: (d: StorageDriver) => Promise<void>): void => {
    test(`${name}: ${title}`, async () => {
      const { driver, cleanup } = await make();
      try {
        await fn(driver);
      } finally {
        await cleanup();
      }
    });
  };

  withDriver("put, get, stat, list and delete small objects", async (d) => {
    assert.equal(await d.getContent("a/b/c"), undefined);
    assert.equal(await d.stat("a/b/c"), undefined);
    assert.deepEqual(await d.list("a"), []);
    await d.putContent("a/b/c", "hello");
    await d.putContent("a/b/d", new Uint8Array([1, 2]));
    assert.equal((await d.getContent("a/b/c"))?.toString(), "hello");
    assert.equal((await d.stat("a/b/c"))?.size, 5);
    assert.deepEqual((await d.list("a/b")).sort(), ["c", "d"]);
    await d.putContent("a/b/c", "replaced");
    assert.equal((await d.getContent("a/b/c"))?.toString(), "replaced");
    assert.equal(await d.delete("a/b/c"), true);
    assert.equal(await d.delete("a/b/c"), false);
    assert.equal(await d.delete("a"), true);
    assert.equal(await d.getContent("a/b/d"), undefined);
  });

  withDriver("append at the expected offset, refuse others, truncate back, read ranges", async (d) => {
    assert.equal(await d.append("u/1/data", chunks("abc", "def"), { offset: 0 }), 6);
    assert.equal(await d.append("u/1/data", chunks("gh"), { offset: 6 }), 2);
    await assert.rejects(
      d.append("u/1/data", chunks("x"), { offset: 3 }),
      (e) => e instanceof OffsetMismatch && e.actual === 8,
    );
    await assert.rejects(d.append("u/2/data", chunks("x"), { offset: 5 }), OffsetMismatch);
    assert.equal(await readAll(d, "u/1/data"), "abcdefgh");
    assert.equal(await readAll(d, "u/1/data", { start: 2, end: 4 }), "cde");
    await d.truncate("u/1/data", 3);
    assert.equal(await readAll(d, "u/1/data"), "abc");
    assert.equal(await readAll(d, "missing"), undefined);
  });

  withDriver("a failing source fails the append and leaves at most a prefix of what it sent", async (d) => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from("12");
      throw new Error("client went away");
    }
    await assert.rejects(d.append("u/3/data", failing(), { offset: 0 }), /client went away/);
    assert.ok(((await d.stat("u/3/data"))?.size ?? 0) <= 2);
  });

  withDriver("move replaces atomically; touch updates the time", async (d) => {
    await d.putContent("x/src", "new");
    await d.putContent("y/dst", "old");
    await d.move("x/src", "y/dst");
    assert.equal((await d.getContent("y/dst"))?.toString(), "new");
    assert.equal(await d.stat("x/src"), undefined);
    await d.move("y/dst", "z/deep/er/dst");
    assert.equal((await d.getContent("z/deep/er/dst"))?.toString(), "new");
    const before = (await d.stat("z/deep/er/dst"))?.modTime.getTime() ?? 0;
    await new Promise((r) => setTimeout(r, 20));
    await d.touch("z/deep/er/dst");
    assert.ok(((await d.stat("z/deep/er/dst"))?.modTime.getTime() ?? 0) > before);
    await d.touch("never/there");
  });

  withDriver("locks exclude each other and need an existing object", async (d) => {
    assert.equal(await d.lock("l/missing"), undefined);
    await d.putContent("l/obj", "x");
    const release = await d.lock("l/obj");
    assert.ok(release);
    let second = false;
    const waiting = d.lock("l/obj").then(async (r) => {
      second = true;
      await r?.();
    });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(second, false, "the second holder waits");
    await release();
    await waiting;
    assert.equal(second, true);
  });

  withDriver("sendTo (when the driver has it) writes the object or a range and ends the writable", async (d) => {
    if (!d.sendTo) return;
    const { PassThrough } = await import("node:stream");
    const big = Buffer.alloc(3 * (1 << 20) + 123);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    await d.putContent("s/big", big);
    const collect = async (range?: { start: number; end: number }): Promise<Buffer> => {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on("data", (c: Buffer) => chunks.push(Buffer.from(c)));
      assert.equal(await d.sendTo?.("s/big", out, range), true);
      return Buffer.concat(chunks);
    };
    assert.deepEqual(await collect(), big);
    assert.deepEqual(await collect({ start: 1000, end: 2_000_000 }), big.subarray(1000, 2_000_001));
    await d.putContent("s/empty", "");
    assert.equal(await d.sendTo("s/empty", new PassThrough().resume()), true);
    assert.equal(await d.sendTo("s/missing", new PassThrough()), false);
  });

  withDriver("keys that could escape are refused", async (d) => {
    for (const key of ["../x", "a/../../x", "/abs", "a//b", "a/./b", "a b"])
      await assert.rejects(d.getContent(key), /unsafe storage key/, key);
  });
}
