import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { storageDriverSuite } from "./driver.case.ts";
import { FilesystemDriver } from "./filesystem.ts";

storageDriverSuite("filesystem", async () => {
  const root = await mkdtemp(join(tmpdir(), "hoist-fs-driver-"));
  return { driver: new FilesystemDriver(root), cleanup: () => rm(root, { recursive: true, force: true }) };
});
