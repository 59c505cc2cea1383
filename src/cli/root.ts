// Where the store lives by default: /var/lib/hoist for root, $XDG_DATA_HOME/hoist otherwise.
import { homedir } from "node:os";
import { join } from "node:path";

export function defaultRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (process.getuid?.() === 0) return "/var/lib/hoist";
  const data = env.XDG_DATA_HOME || join(env.HOME || homedir(), ".local", "share");
  return join(data, "hoist");
}
