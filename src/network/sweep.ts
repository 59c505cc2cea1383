// Crash leftovers no container record points at any more (the CLI or monitor died mid-setup, a store was
// deleted under a running container): an attachment whose namespace holds no process and whose state is
// older than a start can take is torn down. `network prune` runs this.
import fs from "node:fs";
import { join } from "node:path";
import { detachBridge } from "./bridge.ts";
import { allNetworkStates, STATE_DIR, stateKey } from "./state.ts";

/** Inode numbers of the network namespaces some process is in. */
function namespacesInUse(): Set<string> {
  const out = new Set<string>();
  for (const p of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      out.add(fs.readlinkSync(`/proc/${p}/ns/net`));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return out;
}

export async function sweepOrphans(minAgeMs = 30_000): Promise<string[]> {
  const used = namespacesInUse();
  const swept: string[] = [];
  for (const s of allNetworkStates()) {
    if (s.extra) continue;
    try {
      if (Date.now() - fs.statSync(join(STATE_DIR, `${stateKey(s)}.json`)).mtimeMs < minAgeMs) continue;
      if (fs.existsSync(s.netns) && used.has(`net:[${fs.statSync(s.netns).ino}]`)) continue;
    } catch {
      continue;
    }
    await detachBridge(s.containerId).catch(() => {});
    swept.push(s.containerId);
  }
  return swept;
}
