// Runs test/server/fixtures/serve.ts in a child process and waits for its URL.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";

export interface ChildServer {
  url: string;
  proc: ChildProcess;
  stderr(): string;
  exited: Promise<number | null>;
}

export async function spawnServer(root: string, config: unknown = {}): Promise<ChildServer> {
  const script = new URL("./fixtures/serve.ts", import.meta.url).pathname;
  const proc = spawn(process.execPath, [script, root, JSON.stringify(config)], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  proc.stderr?.on("data", (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 15_000);
    proc.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n") && line) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    proc.once("exit", () => reject(new Error(`server exited: ${err}`)));
  });
  return { url, proc, stderr: () => err, exited };
}
