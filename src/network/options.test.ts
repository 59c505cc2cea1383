// The pure parts of --add-host, --dns, --dns-search, --dns-option and --network-alias: docker's checks and
// the /etc/hosts and /etc/resolv.conf lines they make.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  checkAliases,
  extraHostLines,
  parseExtraHost,
  resolvConfWith,
  validateDns,
  validateDnsSearch,
} from "./options.ts";

test("--add-host: NAME:IP and NAME=IP, IPv6 with or without brackets, host-gateway; docker's errors", () => {
  assert.equal(parseExtraHost("db:10.0.0.5"), "db:10.0.0.5");
  assert.equal(parseExtraHost("db=10.0.0.5"), "db:10.0.0.5");
  assert.equal(parseExtraHost("v6:::1"), "v6:::1");
  assert.equal(parseExtraHost("v6=[fe80::1]"), "v6:fe80::1");
  assert.equal(parseExtraHost("gw:host-gateway"), "gw:host-gateway");
  assert.throws(() => parseExtraHost("nocolon"), { message: 'bad format for add-host: "nocolon"' });
  assert.throws(() => parseExtraHost(":1.2.3.4"), { message: 'bad format for add-host: ":1.2.3.4"' });
  assert.throws(() => parseExtraHost("a:b:c"), { message: 'invalid IP address in add-host: "b:c"' });
  assert.throws(() => parseExtraHost("db:10.0.0"), { message: 'invalid IP address in add-host: "10.0.0"' });
});

test("--add-host lines: in order, host-gateway replaced by the gateway", () => {
  assert.deepEqual(extraHostLines(["a:1.2.3.4", "gw:host-gateway", "six:::1"], "10.89.0.1"), [
    "1.2.3.4\ta",
    "10.89.0.1\tgw",
    "::1\tsix",
  ]);
  assert.deepEqual(extraHostLines(null, "10.89.0.1"), []);
});

test("--dns and --dns-search: docker's validators and messages", () => {
  assert.equal(validateDns("9.9.9.9"), "9.9.9.9");
  assert.equal(validateDns(" 2001:DB8:0:0::1 "), "2001:db8::1");
  assert.throws(() => validateDns("x"), { message: "IP address is not correctly formatted: x" });
  assert.throws(() => validateDns("1.2.3.256"), { message: "IP address is not correctly formatted: 1.2.3.256" });
  assert.equal(validateDnsSearch("example.com"), "example.com");
  assert.equal(validateDnsSearch("example.com."), "example.com");
  assert.equal(validateDnsSearch("."), ".");
  assert.throws(() => validateDnsSearch("123"), { message: "123 is not a valid domain" });
  assert.throws(() => validateDnsSearch("-bad.com"), { message: "-bad.com is not a valid domain" });
});

test("resolv.conf: unchanged without flags; each flag replaces its own lines only", () => {
  const host = "# host\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nsearch corp.example lan\noptions edns0\n";
  assert.equal(resolvConfWith(host, {}), host);
  assert.equal(
    resolvConfWith(host, { dns: ["9.9.9.9", "1.1.1.1"] }),
    "search corp.example lan\nnameserver 9.9.9.9\nnameserver 1.1.1.1\noptions edns0\n",
  );
  assert.equal(
    resolvConfWith(host, { search: ["a.example"], options: ["ndots:2", "timeout:1"] }),
    "search a.example\nnameserver 10.0.0.2\nnameserver 10.0.0.3\noptions ndots:2 timeout:1\n",
  );
  assert.equal(resolvConfWith(host, { search: ["."] }), "nameserver 10.0.0.2\nnameserver 10.0.0.3\noptions edns0\n");
});

test("--network-alias: refused on the default bridge, host and none; fine on user-defined networks", () => {
  const msg = "network-scoped alias is supported only for containers in user defined networks";
  assert.equal(checkAliases(["a"], "bridge"), msg);
  assert.equal(checkAliases(["a"], "host"), msg);
  assert.equal(checkAliases([], "bridge"), undefined);
  assert.equal(checkAliases(["a"], "my-net"), undefined);
});
