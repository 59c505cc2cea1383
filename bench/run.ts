// bench/run.ts [CASE-SUBSTRING…] [--runs N]: hoist against podman/buildah/skopeo/Distribution on this machine.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { printResults, repo, runCase, type BenchCase, type Result } from "./harness.ts";
import { storeCases } from "./cases/store.ts";
import { registryClientCases } from "./cases/registry-client.ts";
import { buildCases } from "./cases/build.ts";
import { containerCases } from "./cases/containers.ts";
import { networkCases } from "./cases/network.ts";

const argv = process.argv.slice(2);
const runsAt = argv.indexOf("--runs");
const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 7;
const filters = argv.filter((a, i) => !a.startsWith("--") && i !== runsAt + 1);

// podman needs runc and rlimits within the host's hard limit on this machine.
execFileSync(join(repo, "scripts/containers-conf"), { stdio: "inherit" });

const suites: (() => BenchCase[])[] = [storeCases, containerCases, networkCases, registryClientCases, buildCases];
const results: Result[] = [];
for (const suite of suites) {
  for (const c of suite()) {
    if (filters.length && !filters.some((f) => c.name.includes(f))) {
      c.teardown?.();
      continue;
    }
    process.stderr.write(`bench: ${c.name} …\n`);
    results.push(runCase(c, runs));
  }
}
printResults(results);
