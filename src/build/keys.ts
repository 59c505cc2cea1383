// Cache keys: hash(operation, the key of the filesystem it starts from, everything the result depends on),
// as BuildKit's solver does. Keys chain through the steps that change the filesystem.
import { createHash } from "node:crypto";

const VERSION = "hoist-build-1";

export function stepKey(parent: string, op: Record<string, unknown>): string {
  return createHash("sha256")
    .update(JSON.stringify([VERSION, parent, op]))
    .digest("hex");
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
