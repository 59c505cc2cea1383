// The hoist registry server in its own process for the benchmark: prints its URL; SIGTERM stops it.
//   node bench/registry-server.ts ROOT
import { RegistryServer, applyConfig, defaultConfig, jsonLogger, openRegistry } from "../src/server/index.ts";

const root = process.argv[2];
if (!root) throw new Error("usage: registry-server.ts ROOT");
const config = applyConfig(defaultConfig(root), {});
const { registry } = openRegistry(config);
const server = new RegistryServer({ registry, logger: jsonLogger(process.stderr), accessLog: true });
await server.listen(0, "127.0.0.1");
process.stdout.write(`${server.url}\n`);
process.on("SIGTERM", () => void server.close(5000).then(() => process.exit(0)));
