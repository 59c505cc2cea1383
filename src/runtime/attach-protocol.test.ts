import { test } from "node:test";
import assert from "node:assert/strict";
import { EscapeProxy, exitFrame, frame, FrameReader, parseDetachKeys, resizeFrame } from "./attach-protocol.ts";

test("detach keys: docker's syntax", () => {
  assert.deepEqual([...parseDetachKeys("ctrl-p,ctrl-q")], [16, 17]);
  assert.deepEqual([...parseDetachKeys("ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_")], [0, 27, 28, 29, 30, 31]);
  assert.deepEqual([...parseDetachKeys("a,b,ctrl-A")], [97, 98, 1]);
  assert.throws(() => parseDetachKeys("ctrl-1"), /Unknown character: 'ctrl-1'/);
  assert.throws(() => parseDetachKeys("ab"), /Unknown character: 'ab'/);
});

test("the escape proxy holds a partial sequence back and passes it on when it breaks", () => {
  const p = new EscapeProxy(Buffer.from([16, 17]));
  assert.deepEqual(p.feed(Buffer.from("ab\x10")), { data: Buffer.from("ab"), detached: false });
  assert.deepEqual(p.feed(Buffer.from("c")), { data: Buffer.from("\x10c"), detached: false });
  assert.deepEqual(p.feed(Buffer.from("\x10\x10")), { data: Buffer.from("\x10"), detached: false });
  assert.deepEqual(p.feed(Buffer.from("\x11rest")), { data: Buffer.alloc(0), detached: true });
});

test("frames survive being split anywhere", () => {
  const bytes = Buffer.concat([
    frame(1, Buffer.from("out")),
    frame(2, Buffer.from("err")),
    resizeFrame(30, 100),
    exitFrame(7),
  ]);
  const got: [number, string][] = [];
  const r = new FrameReader((type, payload) => got.push([type, payload.toString("hex")]));
  for (const b of bytes) r.push(Buffer.from([b]));
  assert.deepEqual(got, [
    [1, Buffer.from("out").toString("hex")],
    [2, Buffer.from("err").toString("hex")],
    [4, "001e0064"],
    [3, "00000007"],
  ]);
});
