// CHECKLIST.md B1 and B2.1-3 (redesigned suite): ping, empty repository, and every blob API, for sha256 and sha512.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { emptyJson } from "./conformance-data.ts";
import { IDX, OCT, digestOf, http, random, startRegistry } from "./helpers.ts";
import type { TestRegistry } from "./helpers.ts";

const repo1 = "conformance/repo1";
const repo2 = "conformance/repo2";
let reg: TestRegistry;

before(async () => {
  reg = await startRegistry();
});
after(() => reg.close());

/** B1: after a push, HEAD (empty body, Content-Length, digest header), GET (exact bytes), DELETE, then HEAD 404. */
async function verifyAndDelete(name: string, data: Buffer, d: string): Promise<void> {
  const head = await http(reg.url, "HEAD", `/v2/${name}/blobs/${d}`);
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(head.headers.get("content-length"), String(data.length));
  assert.equal(head.headers.get("docker-content-digest"), d);
  const get = await http(reg.url, "GET", `/v2/${name}/blobs/${d}`);
  assert.equal(get.status, 200);
  assert.deepEqual(get.body, data);
  assert.equal(get.headers.get("content-length"), String(data.length));
  assert.equal(get.headers.get("docker-content-digest"), d);
  assert.equal((await http(reg.url, "DELETE", `/v2/${name}/blobs/${d}`)).status, 202);
  assert.equal((await http(reg.url, "HEAD", `/v2/${name}/blobs/${d}`)).status, 404, "blob delete is atomic");
}

function withDigest(loc: string, d: string): string {
  const u = new URL(loc, reg.url);
  u.searchParams.set("digest", d);
  return u.pathname + u.search;
}

async function post(name: string, query = ""): Promise<string> {
  const r = await http(reg.url, "POST", `/v2/${name}/blobs/uploads/${query}`, { headers: { "Content-Length": "0" } });
  assert.equal(r.status, 202);
  const loc = r.headers.get("location");
  assert.ok(loc);
  return loc;
}

async function patch(loc: string, data: Buffer, range?: string): Promise<ReturnType<typeof http>> {
  const headers: Record<string, string> = { "Content-Type": OCT };
  if (range !== undefined) headers["Content-Range"] = range;
  return http(reg.url, "PATCH", loc, { headers, body: data });
}

test("B2.1-2 ping, and an empty repository: tags 404 and referrers 200 with an empty index", async () => {
  const ping = await http(reg.url, "GET", "/v2/");
  assert.equal(ping.status, 200);
  assert.equal(ping.headers.get("docker-distribution-api-version"), "registry/2.0");
  assert.equal((await http(reg.url, "GET", `/v2/${repo1}/tags/list`)).status, 404);
  const ref = await http(reg.url, "GET", `/v2/${repo1}/referrers/${digestOf(random(8))}`);
  assert.equal(ref.status, 200);
  assert.equal(ref.headers.get("content-type"), IDX);
  const body = ref.json() as { schemaVersion: number; mediaType: string; manifests: unknown[] };
  assert.deepEqual(body, { schemaVersion: 2, mediaType: IDX, manifests: [] });
});

for (const alg of ["sha256", "sha512"]) {
  test(`B2.3 ${alg} get-missing: GET of an unpushed blob is 404 BLOB_UNKNOWN`, async () => {
    const r = await http(reg.url, "GET", `/v2/${repo1}/blobs/${digestOf(random(16), alg)}`);
    assert.equal(r.status, 404);
    assert.equal((r.json() as { errors: { code: string }[] }).errors[0]?.code, "BLOB_UNKNOWN");
  });

  test(`B2.3 ${alg} post only: POST ?digest= with the body gives 201`, async () => {
    const data = random(512);
    const d = digestOf(data, alg);
    const r = await http(reg.url, "POST", `/v2/${repo1}/blobs/uploads/?digest=${d}`, {
      headers: { "Content-Type": OCT, "Content-Length": "512" },
      body: data,
    });
    assert.equal(r.status, 201);
    assert.deepEqual((await http(reg.url, "GET", r.headers.get("location") as string)).body, data);
    await verifyAndDelete(repo1, data, d);
  });

  test(`B2.3 ${alg} post+put, and POST ?digest-algorithm=${alg}`, async () => {
    for (const query of ["", `?digest-algorithm=${alg}`]) {
      const data = random(512);
      const d = digestOf(data, alg);
      const loc = await post(repo1, query);
      const put = await http(reg.url, "PUT", withDigest(loc, d), { headers: { "Content-Type": OCT }, body: data });
      assert.equal(put.status, 201);
      assert.deepEqual((await http(reg.url, "GET", put.headers.get("location") as string)).body, data);
      await verifyAndDelete(repo1, data, d);
    }
  });

  for (const variant of ["single", "multi", "multi-put-chunk"]) {
    test(`B2.3 ${alg} chunked ${variant}`, async () => {
      const data = random(variant === "single" ? 512 : 3067);
      const d = digestOf(data, alg);
      const size = Math.min(Math.max(Math.floor(data.length / 3) + 1, 1024), data.length);
      let loc = await post(repo1);
      const chunks: [number, number][] = [];
      for (let s = 0; s < data.length; s += size) chunks.push([s, Math.min(s + size, data.length) - 1]);
      const lastInPut = variant === "multi-put-chunk";
      for (const [i, [s, e]] of chunks.entries()) {
        if (lastInPut && i === chunks.length - 1) break;
        const r = await patch(loc, data.subarray(s, e + 1), `${s}-${e}`);
        assert.equal(r.status, 202);
        assert.equal(r.headers.get("range"), `0-${e}`);
        loc = r.headers.get("location") as string;
      }
      let put;
      if (lastInPut) {
        const [s, e] = chunks[chunks.length - 1] as [number, number];
        put = await http(reg.url, "PUT", withDigest(loc, d), {
          headers: { "Content-Type": OCT, "Content-Range": `${s}-${e}` },
          body: data.subarray(s, e + 1),
        });
      } else {
        put = await http(reg.url, "PUT", withDigest(loc, d), { headers: { "Content-Length": "0" } });
      }
      assert.equal(put.status, 201);
      assert.ok(put.headers.get("location"));
      await verifyAndDelete(repo1, data, d);
    });
  }

  for (const withPut of [false, true]) {
    test(`B2.3 ${alg} chunked out-of-order${withPut ? " with the last chunk in PUT" : ""}: 416, then status 204 with Range`, async () => {
      const data = random(3067);
      const d = digestOf(data, alg);
      let loc = await post(repo1);
      const initial = await http(reg.url, "GET", loc);
      assert.equal(initial.status, 204);
      assert.match(initial.headers.get("range") ?? "", /^0-\d+$/, "Range starts with 0- even before any byte");
      const chunks: [number, number][] = [
        [0, 1023],
        [1024, 2047],
        [2048, 3066],
      ];
      for (const [i, [s, e]] of chunks.entries()) {
        const wrong: [number, number] = i === chunks.length - 1 ? [0, 1023] : (chunks[i + 1] as [number, number]);
        const bad = await patch(loc, data.subarray(wrong[0], wrong[1] + 1), `${wrong[0]}-${wrong[1]}`);
        assert.equal(bad.status, 416);
        const st = await http(reg.url, "GET", loc);
        assert.equal(st.status, 204);
        assert.ok(st.headers.get("location"));
        if (i > 0) assert.equal(st.headers.get("range"), `0-${s - 1}`);
        loc = st.headers.get("location") as string;
        if (withPut && i === chunks.length - 1) {
          const put = await http(reg.url, "PUT", withDigest(loc, d), {
            headers: { "Content-Type": OCT, "Content-Range": `${s}-${e}` },
            body: data.subarray(s, e + 1),
          });
          assert.equal(put.status, 201);
          break;
        }
        const ok = await patch(loc, data.subarray(s, e + 1), `${s}-${e}`);
        assert.equal(ok.status, 202);
        loc = ok.headers.get("location") as string;
      }
      if (!withPut)
        assert.equal(
          (await http(reg.url, "PUT", withDigest(loc, d), { headers: { "Content-Length": "0" } })).status,
          201,
        );
      await verifyAndDelete(repo1, data, d);
    });
  }

  test(`B2.3 ${alg} stream: PATCH without Content-Range, then PUT ?digest=`, async () => {
    const data = random(512);
    const d = digestOf(data, alg);
    const loc = await post(repo1);
    const r = await patch(loc, data);
    assert.equal(r.status, 202);
    const put = await http(reg.url, "PUT", withDigest(r.headers.get("location") as string, d), {
      headers: { "Content-Length": "0" },
    });
    assert.equal(put.status, 201);
    assert.ok(put.headers.get("location"));
    await verifyAndDelete(repo1, data, d);
  });

  test(`B2.3 ${alg} mount with from, anonymous mount, and mount of a blob the source lacks`, async () => {
    const data = random(512);
    const d = digestOf(data, alg);
    const loc = await post(repo2);
    assert.equal((await http(reg.url, "PUT", withDigest(loc, d), { body: data })).status, 201);
    const m = await http(reg.url, "POST", `/v2/${repo1}/blobs/uploads/?mount=${d}&from=${repo2}`);
    assert.equal(m.status, 201);
    assert.deepEqual((await http(reg.url, "GET", m.headers.get("location") as string)).body, data);
    await verifyAndDelete(repo1, data, d);
    const anon = await http(reg.url, "POST", `/v2/${repo1}/blobs/uploads/?mount=${d}`);
    assert.equal(anon.status, 201);
    await verifyAndDelete(repo1, data, d);

    const other = random(512);
    const od = digestOf(other, alg);
    const miss = await http(reg.url, "POST", `/v2/${repo1}/blobs/uploads/?mount=${od}&from=${repo2}`);
    assert.equal(miss.status, 202, "a mount of a blob the source does not hold is not a success");
    const put = await http(reg.url, "PUT", withDigest(miss.headers.get("location") as string, od), { body: other });
    assert.equal(put.status, 201);
    await verifyAndDelete(repo1, other, od);
    await verifyAndDelete(repo2, data, d);
  });

  test(`B2.3 ${alg} post cancel: DELETE of the session gives 204, then it is gone`, async () => {
    const loc = await post(repo1);
    assert.equal((await http(reg.url, "DELETE", loc, { headers: { "Content-Length": "0" } })).status, 204);
    const st = await http(reg.url, "GET", loc);
    assert.equal(st.status, 404);
    assert.equal((st.json() as { errors: { code: string }[] }).errors[0]?.code, "BLOB_UPLOAD_UNKNOWN");
  });

  test(`B2.3 ${alg} range requests on a 2048-byte blob`, async () => {
    const data = random(2048);
    const d = digestOf(data, alg);
    const loc = await post(repo1);
    assert.equal((await http(reg.url, "PUT", withDigest(loc, d), { body: data })).status, 201);
    const cases: [string, number, number, number][] = [
      ["bytes=500-1499", 206, 500, 1499],
      ["bytes=500-", 206, 500, 2047],
      ["bytes=-500", 206, 1548, 2047],
      ["bytes=2000-5000", 206, 2000, 2047],
    ];
    for (const [range, status, s, e] of cases) {
      const r = await http(reg.url, "GET", `/v2/${repo1}/blobs/${d}`, { headers: { Range: range } });
      assert.equal(r.status, status, range);
      assert.deepEqual(r.body, data.subarray(s, e + 1));
      assert.equal(r.headers.get("content-length"), String(e - s + 1));
      assert.equal(r.headers.get("content-range"), `bytes ${s}-${e}/2048`);
    }
    for (const range of ["bytes=500-0", "bytes=5000-10000"]) {
      const r = await http(reg.url, "GET", `/v2/${repo1}/blobs/${d}`, { headers: { Range: range } });
      assert.equal(r.status, 416, range);
      assert.equal(r.headers.get("content-range"), "bytes */2048");
    }
    await verifyAndDelete(repo1, data, d);
  });

  test(`B2.3 ${alg} well-known blobs: the empty blob and {}`, async () => {
    for (const data of [Buffer.alloc(0), emptyJson]) {
      const d = digestOf(data, alg);
      const r = await http(reg.url, "POST", `/v2/${repo1}/blobs/uploads/?digest=${d}`, {
        headers: { "Content-Type": OCT },
        body: data,
      });
      assert.equal(r.status, 201);
      await verifyAndDelete(repo1, data, d);
    }
  });

  test(`B2.3 ${alg} bad digest: 400 DIGEST_INVALID for every closing method, nothing stored`, async () => {
    const data = random(512);
    const badData = Buffer.concat([data, Buffer.from("oh no")]);
    const d = digestOf(data, alg);
    const expect400 = (r: Awaited<ReturnType<typeof http>>, what: string): void => {
      assert.equal(r.status, 400, what);
      assert.equal((r.json() as { errors: { code: string }[] }).errors[0]?.code, "DIGEST_INVALID", what);
    };
    expect400(
      await http(reg.url, "POST", `/v2/${repo1}/blobs/uploads/?digest=${d}`, {
        headers: { "Content-Type": OCT },
        body: badData,
      }),
      "single POST",
    );
    let loc = await post(repo1);
    expect400(
      await http(reg.url, "PUT", withDigest(loc, d), { headers: { "Content-Type": OCT }, body: badData }),
      "post+put",
    );
    const st = await http(reg.url, "GET", loc);
    assert.equal(st.status, 204, "the session is kept after a digest mismatch");
    const size = 256;
    for (const lastInPut of [false, true]) {
      loc = await post(repo1);
      const p = await patch(loc, badData.subarray(0, size), `0-${size - 1}`);
      assert.equal(p.status, 202);
      const loc2 = p.headers.get("location") as string;
      if (lastInPut) {
        const put = await http(reg.url, "PUT", withDigest(loc2, d), {
          headers: { "Content-Range": `${size}-${badData.length - 1}` },
          body: badData.subarray(size),
        });
        expect400(put, "chunked, last chunk in PUT");
        const st2 = await http(reg.url, "GET", loc2);
        assert.equal(st2.headers.get("range"), `0-${size - 1}`, "the failed PUT's chunk is rolled back");
      } else {
        const p2 = await patch(loc2, badData.subarray(size), `${size}-${badData.length - 1}`);
        assert.equal(p2.status, 202);
        expect400(await http(reg.url, "PUT", withDigest(loc2, d), { headers: { "Content-Length": "0" } }), "chunked");
      }
    }
    const stream = await post(repo1);
    const sp = await patch(stream, badData);
    expect400(
      await http(reg.url, "PUT", withDigest(sp.headers.get("location") as string, d), {
        headers: { "Content-Length": "0" },
      }),
      "stream",
    );
    assert.equal((await http(reg.url, "HEAD", `/v2/${repo1}/blobs/${d}`)).status, 404, "nothing stored");
  });
}
