// A bounded HTTP load generator (for HEAD, which wrk 4.1 cannot measure: it waits for a body that never comes).
// Keeps `connections` keep-alive requests in flight for `seconds`, then prints requests/s as JSON.
//   node bench/registry-load.ts URL METHOD CONNECTIONS SECONDS
import { Agent, request } from "node:http";

const [url = "", method = "HEAD", conns = "32", secs = "5"] = process.argv.slice(2);
const connections = Number(conns);
const deadline = performance.now() + Number(secs) * 1000;
const agent = new Agent({ keepAlive: true, maxSockets: connections });
let done = 0;
let errors = 0;

function one(): Promise<void> {
  return new Promise((resolve) => {
    const req = request(url, { method, agent }, (res) => {
      if (res.statusCode !== 200) errors++;
      res.resume();
      res.on("end", () => {
        done++;
        resolve();
      });
    });
    req.on("error", () => {
      errors++;
      resolve();
    });
    req.end();
  });
}

async function loop(): Promise<void> {
  while (performance.now() < deadline) await one();
}

const started = performance.now();
await Promise.all(Array.from({ length: connections }, loop));
const elapsed = (performance.now() - started) / 1000;
agent.destroy();
process.stdout.write(`${JSON.stringify({ requestsPerSecond: done / elapsed, errors })}\n`);
