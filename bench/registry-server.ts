// The hoist registry server in its own process(es) for the benchmark, as `hoist registry serve` runs it with its
// defaults (workers: one per core, at most four). Prints its URL; SIGTERM stops it.
//   node bench/registry-server.ts ROOT PORT [WORKERS]
import {
  RegistryServer,
  applyConfig,
  defaultConfig,
  isClusterWorker,
  jsonLogger,
  leaveCluster,
  openRegistry,
  reportListening,
  runPrimary,
} from "../src/server/index.ts";

const [root, port = "0", workersArg] = process.argv.slice(2);
if (!root) throw new Error("usage: registry-server.ts ROOT PORT [WORKERS]");
const config = applyConfig(defaultConfig(root), workersArg ? { workers: Number(workersArg) } : {});
const logger = jsonLogger(process.stderr);
const stop = new AbortController();
process.once("SIGTERM", () => stop.abort());
if (config.workers > 1 && !isClusterWorker()) {
  await runPrimary(config.workers, logger, stop.signal);
} else {
  const { registry } = openRegistry(config);
  const server = new RegistryServer({ registry, logger, accessLog: config.log.access });
  await server.listen(Number(port), "127.0.0.1");
  reportListening(server.url);
  if (!isClusterWorker()) process.stdout.write(`${server.url}\n`);
  await new Promise((resolve) => stop.signal.addEventListener("abort", resolve, { once: true }));
  await server.close(5000);
  leaveCluster();
}
