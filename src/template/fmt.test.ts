import { test } from "node:test";
import assert from "node:assert/strict";
import { formatFloat } from "./float-format.ts";
import { formatValue, sprint, sprintln } from "./fmt.ts";
import { sprintf } from "./sprintf.ts";
import { goStruct } from "./values.ts";

const cases = (list: [string, unknown[], string][]): void => {
  for (const [format, args, want] of list) assert.equal(sprintf(format, args), want, `${format} ${String(args)}`);
};

test("integers", () => {
  cases([
    ["%d", [42], "42"],
    ["%5d|%-5d|", [42, 42], "   42|42   |"],
    ["%05d %05d", [42, -42], "00042 -0042"],
    ["%+d % d %+d", [5, 5, -5], "+5  5 -5"],
    ["%x %X %#x %#X %x", [255, 255, 255, 255, -255], "ff FF 0xff 0XFF -ff"],
    ["%o %#o %O %b %#b", [8, 8, 8, 5, 5], "10 010 0o10 101 0b101"],
    ["%.3d|%8.3d|%.0d|", [7, 7, 0], "007|     007||"],
    ["%#08x", [255], "0x000000ff"],
    ["%c%c %q %U %#U", [72, 0x1f600, 65, 0x1f600, 65], "H😀 'A' U+1F600 U+0041 'A'"],
    ["%v %d", [2n ** 64n, -3n], "18446744073709551616 -3"],
  ]);
});

test("floats", () => {
  cases([
    ["%f %.2f %8.3f|%-8.2f|", [3.14159, 3.14159, 3.14159, 3.14159], "3.141590 3.14    3.142|3.14    |"],
    ["%08.3f %+.1f % .1f %06.2f", [-3.14159, 2.5, 2.5, 1.5], "-003.142 +2.5  2.5 001.50"],
    ["%e %E %.2e", [1234.5678, 1234.5678, 0], "1.234568e+03 1.234568E+03 0.00e+00"],
    ["%g %g %g %g %g", [1234.5678, 1e21, 0.00001, 100000.5, 1e-4], "1234.5678 1e+21 1e-05 100000.5 0.0001"],
    ["%.3g %.3g %.3g %.10g %G", [1234.5678, 100, 1.5, 1 / 3, 1e-10], "1.23e+03 100 1.5 0.3333333333 1E-10"],
    ["%v %v %v %v", [2.5, 1e-7, 12345678.9, 0.1 + 0.2], "2.5 1e-07 1.23456789e+07 0.30000000000000004"],
    ["%.2v %6.2f%%", [3.14159, 99.5], "3.1  99.50%"],
    ["%f %v %5.1f|%+v", [Infinity, -Infinity, NaN, NaN], "+Inf -Inf   NaN|NaN"],
    [
      "%.1f %.0f %.2f %.0f %.2f %.0e %.1e",
      [0.05, 2.5, 2.675, 3.5, 0.125, 2.5, 9.96],
      "0.1 2 2.67 4 0.12 2e+00 1.0e+01",
    ],
    ["%f", [1e22], "10000000000000000000000.000000"],
    ["%d", [1.5], "%!d(float64=1.5)"],
    ["%.1f %e", [3, 100], "3.0 1.000000e+02"],
  ]);
  assert.equal(formatFloat(-0, "g", -1), "-0");
  assert.equal(formatFloat(123456, "g", -1), "123456");
  assert.equal(formatFloat(1234567, "g", -1), "1.234567e+06");
  assert.equal(formatFloat(5e-324, "g", -1), "5e-324");
});

test("strings", () => {
  cases([
    ["%s|%10s|%-10s|%.2s", ["hi", "hi", "hi", "hello"], "hi|        hi|hi        |he"],
    ["%q %+q %#q %#q", ['a"b\n', "é", "abc", "a`b"], '"a\\"b\\n" "\\u00e9" `abc` "a`b"'],
    ["%x % x %X %#x", ["hi", "hi", "hi", "hi"], "6869 68 69 6869 0x6869"],
    ["%q", ["\u0000\u007f\t☺"], '"\\x00\\x7f\\t☺"'],
    ["%5s|", ["日本"], "   日本|"],
    ["%v %#v", ["x", "x"], 'x "x"'],
  ]);
});

test("booleans, nil, composites and %T", () => {
  cases([
    ["%t %v", [true, false], "true false"],
    ["%v %d %s", [null, null, undefined], "<nil> %!d(<nil>) %!s(<nil>)"],
    ["%v %d %s %q", [[1, 2], [1, 2], ["a", "b"], ["a"]], '[1 2] [1 2] [a b] ["a"]'],
    ["%3v|", [[1, 2]], "[  1   2]|"],
    ["%v", [{ b: [1], a: null }], "map[a:<nil> b:[1]]"],
    ["%v %+v", [goStruct("T", { A: 1, B: "x" }), goStruct("T", { A: 1, B: "x" })], "{1 x} {A:1 B:x}"],
    [
      "%T %T %T %T %T %T %T",
      ["x", 1, 1.5, true, [], {}, null],
      "string int float64 bool []interface {} map[string]interface {} <nil>",
    ],
    ["%d", [["a"]], "[%!d(string=a)]"],
  ]);
});

test("argument errors print like Go's", () => {
  cases([
    ["%d", ["x"], "%!d(string=x)"],
    ["%t", [1], "%!t(int=1)"],
    ["%z", [1], "%!z(int=1)"],
    ["%d %d", [1], "1 %!d(MISSING)"],
    ["%d", [1, "a", null], "1%!(EXTRA string=a, <nil>)"],
    ["100%", [], "100%!(NOVERB)"],
    ["%%", [], "%"],
    ["no verbs", [1], "no verbs%!(EXTRA int=1)"],
  ]);
});

test("width and precision from arguments, explicit argument indexes", () => {
  cases([
    ["%*d|%-*d|", [5, 42, 5, 42], "   42|42   |"],
    ["%.*f", [2, 3.14159], "3.14"],
    ["%*d", ["x", 1], "%!(BADWIDTH)1"],
    ["%[2]d %[1]d", [1, 2], "2 1"],
    ["%[1]d %[1]x %[1]o", [8], "8 8 10"],
    ["%[3]d", [1], "%!d(BADINDEX)"],
  ]);
});

test("Sprint, Sprintln and the template's %v", () => {
  assert.equal(sprint(["a", 1, 2, "b", 3]), "a1 2b3");
  assert.equal(sprint([1, 2]), "1 2");
  assert.equal(sprintln(["a", 1, [2]]), "a 1 [2]\n");
  assert.equal(formatValue(7340032), "7340032");
  assert.equal(formatValue(new Error("boom")), "boom");
  assert.equal(formatValue(new Date(0)), "1970-01-01T00:00:00.000Z");
});
