// The end of a run and the removal of a container: what the monitor does when the process exits, what `rm`
// and --rm do. Removal renames the container's directories into a staging area under the store lock (with
// the record's removal), so a crash never leaves a record without its layers or layers without a record.
import fs from "node:fs";
import { join } from "node:path";
import type { ContainerRecord, ContainersState } from "../store/containers.ts";
import type { Engine } from "./engine.ts";
import { networkDriver } from "./network.ts";
import { runtimeDelete, type OciRuntime } from "./oci-runtime.ts";
import { trace } from "./trace.ts";

/** Undo what a start did: runtime state (and cgroup), network, mounts. Quiet about what is already gone.
 * `meanwhile` runs while the runtime deletes its state (the two are independent once the process is gone). */
export async function cleanupRun(
  engine: Engine,
  c: ContainerRecord,
  rt: OciRuntime,
  meanwhile?: () => Promise<void>,
): Promise<void> {
  const errors: string[] = [];
  const deleting = runtimeDelete(rt, c.Id).catch((e: Error) => void errors.push(e.message));
  await networkDriver(c.HostConfig.NetworkMode)
    .teardown(c)
    .catch((e: Error) => errors.push(e.message));
  try {
    (await engine.driver(c.Driver)).unmount(c.Id);
  } catch (e) {
    errors.push((e as Error).message);
  }
  try {
    await meanwhile?.();
  } finally {
    await deleting;
    if (errors.length)
      process.stderr.write(`hoist: cleaning up container ${c.Id.slice(0, 12)}: ${errors.join("; ")}\n`);
  }
}

/** Move a container's directories (and, with `volumes`, its anonymous volumes) into `trash` and drop its
 * record. Call under the store lock (inside ContainerStore.update) with nothing mounted. */
export async function retireContainer(
  engine: Engine,
  cs: ContainersState,
  c: ContainerRecord,
  trash: string,
  volumes: boolean,
): Promise<void> {
  const driver = await engine.driver(c.Driver);
  fs.mkdirSync(trash, { recursive: true });
  driver.retire(c.Id, join(trash, `layers-${c.Id}`));
  try {
    fs.renameSync(engine.dir(c.Id), join(trash, `container-${c.Id}`));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  if (volumes) {
    for (const m of c.Mounts) {
      if (m.Type !== "volume" || !m.Anonymous) continue;
      const inUse = Object.values(cs.containers).some(
        (o) => o.Id !== c.Id && o.Mounts.some((x) => x.Type === "volume" && x.Source === m.Source),
      );
      if (inUse) continue;
      try {
        fs.renameSync(join(engine.containers.paths.volumes, m.Source), join(trash, `volume-${m.Source}`));
      } catch {
        /* never made */
      }
    }
  }
  delete cs.containers[c.Id];
}

/** Remove a container that is not running: its record, layers, logs (and anonymous volumes with `volumes`). */
export async function deleteContainer(engine: Engine, id: string, volumes: boolean): Promise<boolean> {
  const staging = await engine.store.stage();
  try {
    return await engine.containers.update(async (cs) => {
      const c = cs.containers[id];
      if (!c) return false;
      await retireContainer(engine, cs, c, join(staging.dir, "trash"), volumes);
      return true;
    });
  } finally {
    staging.dispose();
  }
}

/** The container's process ended (or never started, `failed`): clean up, then record the exit or remove it. */
export async function finishContainer(
  engine: Engine,
  c: ContainerRecord,
  rt: OciRuntime,
  result: { exitCode: number; failed?: boolean },
): Promise<void> {
  const record = async (): Promise<void> => {
    if (c.HostConfig.AutoRemove) {
      await deleteContainer(engine, c.Id, true);
      return;
    }
    await engine.containers.change(c.Id, (r) => {
      if (!r) return;
      r.State = {
        ...r.State,
        Status: "exited",
        Pid: 0,
        ExitCode: result.exitCode,
        FinishedAt: new Date().toISOString(),
        Monitored: false,
      };
      delete r.State.MonitorPid;
    });
  };
  // The container's lock is still held: nothing can start it again before the runtime's state is gone.
  if (result.failed) await record();
  else await cleanupRun(engine, c, rt, record);
  trace("cleaned up and recorded");
}
