// WORKDIR: sets the working directory and creates it (0755, owned by USER) when the image lacks it, as
// BuildKit's mkdir does; that makes a layer, cached like any other step.
import type { TarWriteEntry } from "../../streams/index.ts";
import { normalizeWorkdir } from "../config-steps.ts";
import type { WorkdirInstruction } from "../dockerfile/index.ts";
import { stepKey } from "../keys.ts";
import { writeLayer } from "../layers.ts";
import { lstatIn, resolveInRoot } from "../rootfs-view.ts";
import type { Session } from "../session.ts";
import { addHistory, containerConfig, type StageState } from "../stage-state.ts";
import { resolveUserIds } from "../users.ts";

export async function workdirStep(
  s: Session,
  st: StageState,
  cmd: WorkdirInstruction,
  id: number | undefined,
): Promise<void> {
  const cfg = containerConfig(st);
  const wd = normalizeWorkdir(cfg.WorkingDir, cmd.path);
  cfg.WorkingDir = wd;
  if (wd === "/" || id === undefined) {
    addHistory(st, `WORKDIR ${wd}`, true);
    return;
  }
  const user = cfg.User ?? "";
  const key = stepKey(st.fsKey, { op: "mkdir", path: wd, user, epoch: s.o.epoch?.sec ?? null });
  await s.layerStep(st, { id, key, createdBy: `WORKDIR ${wd}` }, async () => {
    const view = await s.view(st.layers);
    try {
      const target = resolveInRoot(view.path, wd);
      if (lstatIn(view.path, target)?.isDirectory()) return undefined;
      const owner = resolveUserIds(user, view.path);
      const now = s.o.epoch ?? s.nowTimestamp();
      const entries: TarWriteEntry[] = [];
      const parts = target.split("/").filter(Boolean);
      for (let i = 1; i <= parts.length; i++) {
        const rel = parts.slice(0, i).join("/");
        const st0 = lstatIn(view.path, rel);
        if (st0?.isDirectory()) {
          const mtime = { sec: Number(st0.mtimeNs / 1_000_000_000n), nsec: Number(st0.mtimeNs % 1_000_000_000n) };
          entries.push({
            header: {
              name: rel,
              type: "directory",
              mode: Number(st0.mode & 0o7777n),
              uid: Number(st0.uid),
              gid: Number(st0.gid),
              mtime,
            },
          });
        } else {
          entries.push({
            header: { name: rel, type: "directory", mode: 0o755, uid: owner.uid, gid: owner.gid, mtime: now },
          });
        }
      }
      return await writeLayer(s.o.store, s.o.cache, list(entries), s.o.signal);
    } finally {
      view.release();
    }
  });
}

async function* list<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}
