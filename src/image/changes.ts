// Dockerfile-style config edits (`import --change`, `commit --change`): CMD, ENTRYPOINT, ENV, WORKDIR,
// EXPOSE, LABEL, USER, VOLUME, STOPSIGNAL, ONBUILD.
import { HoistError } from "../errors.ts";
import type { ContainerConfig } from "../oci/index.ts";

const allowed = new Set([
  "CMD",
  "ENTRYPOINT",
  "ENV",
  "WORKDIR",
  "EXPOSE",
  "LABEL",
  "USER",
  "VOLUME",
  "STOPSIGNAL",
  "ONBUILD",
]);

function fail(change: string, why: string): never {
  throw new HoistError("INVALID_ARGUMENT", `${why}: ${change}`);
}

/** Split `k=v k2="v 2"` pairs (ENV/LABEL), honouring double quotes and backslashes. */
function keyValues(text: string, change: string): [string, string][] {
  const words: string[] = [];
  let cur = "";
  let quote: string | undefined;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) fail(change, "unterminated quote");
  if (inWord) words.push(cur);
  if (words.length === 0) fail(change, "missing arguments");
  if (!words[0]?.includes("=")) {
    // legacy form: ENV key value with spaces
    const [k = "", ...rest] = text.trim().split(/\s+/);
    return [[k, rest.join(" ")]];
  }
  return words.map((w) => {
    const eq = w.indexOf("=");
    if (eq <= 0) fail(change, "key=value expected");
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

function execOrShell(text: string, shell: string[]): string[] {
  const t = text.trim();
  if (t.startsWith("[")) {
    try {
      const v = JSON.parse(t) as unknown;
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
    } catch {
      /* not JSON: shell form */
    }
  }
  return [...shell, t];
}

/** Apply `--change` instructions to a container config, returning a new config. */
export function applyChanges(config: ContainerConfig, changes: string[]): ContainerConfig {
  const out: ContainerConfig = structuredClone(config);
  for (const change of changes) {
    const m = /^\s*(\S+)\s*(.*)$/s.exec(change);
    if (!m) fail(change, "empty change");
    const instr = (m[1] ?? "").toUpperCase();
    const rest = m[2] ?? "";
    if (!allowed.has(instr))
      throw new HoistError("INVALID_ARGUMENT", `${instr.toLowerCase()} is not a valid change command`);
    const shell = out.Shell ?? ["/bin/sh", "-c"];
    switch (instr) {
      case "CMD":
        out.Cmd = execOrShell(rest, shell);
        break;
      case "ENTRYPOINT":
        out.Entrypoint = execOrShell(rest, shell);
        break;
      case "ENV": {
        const env = [...(out.Env ?? [])];
        for (const [k, v] of keyValues(rest, change)) {
          const i = env.findIndex((e) => e.split("=")[0] === k);
          if (i >= 0) env[i] = `${k}=${v}`;
          else env.push(`${k}=${v}`);
        }
        out.Env = env;
        break;
      }
      case "LABEL":
        out.Labels = { ...(out.Labels ?? {}), ...Object.fromEntries(keyValues(rest, change)) };
        break;
      case "WORKDIR":
        out.WorkingDir = rest.trim().startsWith("/")
          ? rest.trim()
          : `${(out.WorkingDir ?? "/").replace(/\/$/, "")}/${rest.trim()}`;
        break;
      case "USER":
        out.User = rest.trim();
        break;
      case "STOPSIGNAL":
        out.StopSignal = rest.trim();
        break;
      case "EXPOSE": {
        const ports = { ...(out.ExposedPorts ?? {}) };
        for (const p of rest.trim().split(/\s+/)) {
          if (!/^\d+(-\d+)?(\/(tcp|udp|sctp))?$/i.test(p)) fail(change, `invalid port`);
          ports[p.includes("/") ? p.toLowerCase() : `${p}/tcp`] = {};
        }
        out.ExposedPorts = ports;
        break;
      }
      case "VOLUME": {
        const vols = { ...(out.Volumes ?? {}) };
        const list = execOrShell(rest, []);
        for (const v of list.length === 1 && !rest.trim().startsWith("[") ? (list[0] ?? "").split(/\s+/) : list)
          vols[v] = {};
        out.Volumes = vols;
        break;
      }
      case "ONBUILD":
        out.OnBuild = [...(out.OnBuild ?? []), rest.trim()];
        break;
    }
  }
  return out;
}

/** Go's ImageConfig field order (image-spec), then docker's extra fields; empty fields left out as Go's omitempty does. */
export const configOrder = [
  "User",
  "ExposedPorts",
  "Env",
  "Entrypoint",
  "Cmd",
  "Volumes",
  "WorkingDir",
  "Labels",
  "StopSignal",
  "ArgsEscaped",
];

export function canonicalContainerConfig(config: ContainerConfig): ContainerConfig {
  const out: ContainerConfig = {};
  const keys = [...configOrder, ...Object.keys(config).filter((k) => !configOrder.includes(k))];
  for (const k of keys) {
    const v = config[k];
    if (v === undefined || v === null || v === "" || v === false) continue;
    if (typeof v === "object" && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}
