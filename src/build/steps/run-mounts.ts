// RUN --mount: what each mount adds to the step's cache key, and the mounts the runtime gets (bind from the
// context or another stage, persistent cache directories, tmpfs, secrets). Secret values never enter keys.
import { closeSync, constants, openSync } from "node:fs";
import fs from "node:fs";
import { join } from "node:path";
import { HoistError } from "../../errors.ts";
import { native } from "../../native.ts";
import { stageReference, type Mount } from "../dockerfile/index.ts";
import { sha256Hex } from "../keys.ts";
import { resolveInRoot, type RootfsView } from "../rootfs-view.ts";
import type { RunMount } from "../run/runner.ts";
import type { Session } from "../session.ts";
import type { StageState } from "../stage-state.ts";

export interface PreparedMounts {
  /** Per mount, what the step's result depends on. */
  keys: unknown[];
  /** Set when the step runs. */
  open(): Promise<{ mounts: RunMount[]; env: string[]; release(): void }>;
}

function absTarget(target: string, workdir: string): string {
  if (target === "") throw new HoistError("INVALID_ARGUMENT", "mount target is required");
  return target.startsWith("/") ? target : `${workdir.replace(/\/+$/, "")}/${target}`;
}

export async function prepareMounts(
  s: Session,
  st: StageState,
  mounts: readonly Mount[],
  workdir: string,
): Promise<PreparedMounts> {
  const keys: unknown[] = [];
  const openers: ((scratch: string) => Promise<{ mount?: RunMount; env?: string; release?: () => void }>)[] = [];
  for (const m of mounts) {
    const spec = {
      type: m.type,
      target: m.target,
      source: m.source,
      from: m.from,
      id: m.id,
      ro: m.readOnly,
      sharing: m.sharing,
      mode: m.mode ?? null,
      uid: m.uid ?? null,
      gid: m.gid ?? null,
      size: m.size ?? null,
      env: m.env ?? null,
      required: m.required,
    };
    switch (m.type) {
      case "bind": {
        const target = absTarget(m.target, workdir);
        if (m.from === "") {
          const entry = s.o.context.expand(m.source === "" ? "." : m.source)[0];
          if (!entry) throw new HoistError("NOT_FOUND", `"/${m.source}": not found`);
          keys.push({ ...spec, digest: s.o.hasher.sourceDigest(s.o.context, entry) });
          openers.push(async (scratch) => ({
            mount: { type: "bind", source: writable(entry.abs, m.readOnly, scratch), target, readOnly: m.readOnly },
          }));
        } else {
          const { key, layers } = await mountSource(s, st, m.from);
          keys.push({ ...spec, from: key });
          openers.push(async (scratch) => {
            const view: RootfsView = await s.view(layers);
            const src = join(view.path, resolveInRoot(view.path, m.source || "/"));
            if (!fs.existsSync(src)) {
              view.release();
              throw new HoistError("NOT_FOUND", `"${m.source}": not found in ${m.from}`);
            }
            return {
              mount: { type: "bind", source: writable(src, m.readOnly, scratch), target, readOnly: m.readOnly },
              release: () => view.release(),
            };
          });
        }
        break;
      }
      case "cache": {
        const target = absTarget(m.target, workdir);
        keys.push(spec);
        openers.push(async (scratch) => cacheMount(s, m, target, scratch));
        break;
      }
      case "tmpfs":
        keys.push(spec);
        openers.push(async () => ({
          mount: {
            type: "tmpfs",
            target: absTarget(m.target, workdir),
            ...(m.size !== undefined ? { size: m.size } : {}),
          },
        }));
        break;
      case "secret": {
        keys.push(spec);
        openers.push(async (scratch) => secretMount(s, m, scratch));
        break;
      }
      default:
        throw new HoistError("UNSUPPORTED", `RUN --mount=type=${m.type} is not supported`);
    }
  }
  return {
    keys,
    open: async () => {
      const mountsOut: RunMount[] = [];
      const env: string[] = [];
      const releases: (() => void)[] = [];
      const release = (): void => releases.splice(0).forEach((r) => r());
      try {
        for (const o of openers) {
          const r = await o(s.scratch("mount"));
          if (r.mount) mountsOut.push(r.mount);
          if (r.env) env.push(r.env);
          if (r.release) releases.push(r.release);
        }
      } catch (e) {
        release();
        throw e;
      }
      return { mounts: mountsOut, env, release };
    },
  };
}

/** A read-write bind gets a copy: what the step writes there is thrown away, as BuildKit does. */
function writable(src: string, readOnly: boolean, scratch: string): string {
  if (readOnly) return src;
  const copy = join(scratch, "rw");
  fs.cpSync(src, copy, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  return copy;
}

async function mountSource(
  s: Session,
  st: StageState,
  from: string,
): Promise<{ key: string; layers: StageState["layers"] }> {
  const ref = stageReference(s.o.stages, from, st.stage.index);
  if (ref !== undefined) {
    const other = await s.o.stage(ref);
    return { key: `stage:${other.fsKey}`, layers: other.layers };
  }
  const img = await s.o.image(from);
  return { key: `image:${img.id}`, layers: img.layers };
}

async function cacheMount(
  s: Session,
  m: Mount,
  target: string,
  scratch: string,
): Promise<{ mount: RunMount; release: () => void }> {
  const dir = join(s.o.cache.paths.mounts, sha256Hex(m.id || target));
  const data = join(dir, "data");
  if (!fs.existsSync(data)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(data, { mode: m.mode ?? 0o755 });
    fs.chmodSync(data, m.mode ?? 0o755);
    fs.chownSync(data, m.uid ?? 0, m.gid ?? 0);
  }
  const sharing = m.sharing || "shared";
  if (sharing === "shared")
    return { mount: { type: "bind", source: data, target, readOnly: false }, release: () => {} };
  const fd = openSync(join(dir, "lock"), constants.O_RDWR | constants.O_CREAT, 0o600);
  if (native().flock(fd, true))
    return { mount: { type: "bind", source: data, target, readOnly: false }, release: () => closeSync(fd) };
  if (sharing === "private") {
    closeSync(fd);
    const own = join(scratch, "cache");
    fs.mkdirSync(own, { mode: m.mode ?? 0o755 });
    return { mount: { type: "bind", source: own, target, readOnly: false }, release: () => {} };
  }
  for (;;) {
    s.o.signal?.throwIfAborted();
    await new Promise((r) => setTimeout(r, 50));
    if (native().flock(fd, true))
      return { mount: { type: "bind", source: data, target, readOnly: false }, release: () => closeSync(fd) };
  }
}

function secretMount(s: Session, m: Mount, scratch: string): { mount?: RunMount; env?: string } {
  const id = m.id || (m.target !== "" ? (m.target.split("/").filter(Boolean).at(-1) ?? "") : "");
  const secret = s.o.secrets.get(id);
  if (secret === undefined) {
    if (m.required) throw new HoistError("NOT_FOUND", `secret ${id} not found`);
    return {};
  }
  const value =
    secret.file !== undefined ? fs.readFileSync(secret.file) : Buffer.from(process.env[secret.env ?? id] ?? "");
  const out: { mount?: RunMount; env?: string } = {};
  if (m.env !== undefined) out.env = `${m.env}=${value.toString("utf8")}`;
  if (m.env === undefined || m.target !== "") {
    const file = join(scratch, "secret");
    fs.writeFileSync(file, value, { mode: m.mode ?? 0o400 });
    fs.chmodSync(file, m.mode ?? 0o400);
    fs.chownSync(file, m.uid ?? 0, m.gid ?? 0);
    out.mount = { type: "bind", source: file, target: m.target || `/run/secrets/${id}`, readOnly: true };
  }
  return out;
}
