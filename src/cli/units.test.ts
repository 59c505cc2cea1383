import { test } from "node:test";
import assert from "node:assert/strict";
import { ago, goG, humanDuration, humanSize } from "./units.ts";

test("humanSize matches go-units HumanSizeWithPrecision", () => {
  assert.equal(humanSize(133_400_000, 3), "133MB");
  assert.equal(humanSize(1_234_567, 3), "1.23MB");
  assert.equal(humanSize(4860, 3), "4.86kB");
  assert.equal(humanSize(0, 3), "0B");
  assert.equal(humanSize(999, 3), "999B");
  assert.equal(humanSize(2_000_000, 3), "2MB");
  assert.equal(humanSize(1_500_000_000), "1.5GB");
  assert.equal(humanSize(999_900, 3), "1e+03kB");
});

test("goG", () => {
  assert.equal(goG(1.1, 3), "1.1");
  assert.equal(goG(0.00001234, 3), "1.23e-05");
  assert.equal(goG(12.345, 4), "12.35");
});

test("humanDuration matches go-units", () => {
  assert.equal(humanDuration(500), "Less than a second");
  assert.equal(humanDuration(1000), "1 second");
  assert.equal(humanDuration(5000), "5 seconds");
  assert.equal(humanDuration(60_000), "About a minute");
  assert.equal(humanDuration(5 * 60_000), "5 minutes");
  assert.equal(humanDuration(3600_000), "About an hour");
  assert.equal(humanDuration(30 * 3600_000), "30 hours");
  assert.equal(humanDuration(3 * 86400_000), "3 days");
  assert.equal(humanDuration(15 * 86400_000), "2 weeks");
  assert.equal(humanDuration(90 * 86400_000), "3 months");
  assert.equal(humanDuration(800 * 86400_000), "2 years");
  assert.equal(ago(new Date(Date.now() - 5000).toISOString()), "5 seconds ago");
  assert.equal(ago(undefined), "N/A");
});

test("goTimestamp writes times as Go's JSON encoder does", async () => {
  const { goTimestamp } = await import("../oci/index.ts");
  assert.equal(goTimestamp(new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 0))), "2024-01-01T00:00:00Z");
  assert.equal(goTimestamp(new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 120))), "2024-01-01T00:00:00.12Z");
  assert.equal(goTimestamp(new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 123))), "2024-01-01T00:00:00.123Z");
  assert.equal(goTimestamp(new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 5))), "2024-01-01T00:00:00.005Z");
});
