// The instructions that only change the image config (ENV, LABEL, CMD, ENTRYPOINT, EXPOSE, USER, VOLUME,
// STOPSIGNAL, SHELL, HEALTHCHECK, MAINTAINER, ONBUILD), as BuildKit's dispatcher applies them, with the
// history lines it writes. Pure functions over the stage state; the instructions come expanded.
import { HoistError } from "../errors.ts";
import type { Command, HealthConfig } from "./dockerfile/index.ts";
import { goQuote } from "./dockerfile/go-text.ts";
import { addHistory, containerConfig, setEnv, type StageState } from "./stage-state.ts";

export const DEFAULT_SHELL = ["/bin/sh", "-c"];

/** `["a" "b"]`: Go's %q of a string slice. */
export function goQuoteList(list: readonly string[]): string {
  return `[${list.map(goQuote).join(" ")}]`;
}

/** Shell form: the SHELL (or /bin/sh -c) then the command line joined. */
export function withShell(s: StageState, args: readonly string[]): string[] {
  const shell = containerConfig(s).Shell;
  return [...(shell && shell.length > 0 ? shell : DEFAULT_SHELL), args.join(" ")];
}

/** Go's time.Duration.String for whole nanoseconds. */
export function goDuration(ns: number): string {
  if (ns === 0) return "0s";
  const neg = ns < 0;
  let u = Math.abs(ns);
  let out: string;
  if (u < 1e9) {
    const [unit, div] = u < 1e3 ? ["ns", 1] : u < 1e6 ? ["µs", 1e3] : ["ms", 1e6];
    out = `${trimFraction(u / (div as number))}${unit}`;
  } else {
    const h = Math.floor(u / 3.6e12);
    u -= h * 3.6e12;
    const m = Math.floor(u / 6e10);
    u -= m * 6e10;
    const sec = `${trimFraction(u / 1e9)}s`;
    out = h > 0 ? `${h}h${m}m${sec}` : m > 0 ? `${m}m${sec}` : sec;
  }
  return neg ? `-${out}` : out;
}

function trimFraction(n: number): string {
  return String(Number(n.toFixed(9)));
}

function healthcheckText(h: HealthConfig): string {
  const test = `[${h.test.join(" ")}]`;
  return `{Test:${test} Interval:${goDuration(h.interval)} Timeout:${goDuration(h.timeout)} StartPeriod:${goDuration(h.startPeriod)} StartInterval:${goDuration(h.startInterval)} Retries:${h.retries}}`;
}

const signals = new Set([
  "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL", "PIPE", "POLL",
  "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1",
  "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ",
]); // prettier-ignore

function checkSignal(sig: string): void {
  if (/^[0-9]+$/.test(sig)) {
    if (Number(sig) === 0) throw new HoistError("INVALID_ARGUMENT", `invalid signal: ${sig}`);
    return;
  }
  const name = sig.toUpperCase().replace(/^SIG/, "");
  if (signals.has(name) || /^RTMIN(\+[0-9]+)?$|^RTMAX(-[0-9]+)?$/.test(name)) return;
  throw new HoistError("INVALID_ARGUMENT", `invalid signal: ${sig}`);
}

/** EXPOSE's port specs → `80/tcp` keys (ranges expanded), as BuildKit's parsePortSpecs. */
export function exposedPorts(specs: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of specs) {
    const parts = raw.split(":");
    const container = parts.at(-1) ?? "";
    const slash = container.indexOf("/");
    const port = slash < 0 ? container : container.slice(0, slash);
    const proto = slash < 0 ? "tcp" : container.slice(slash + 1).toLowerCase() || "tcp";
    if (port === "") throw new HoistError("INVALID_ARGUMENT", `no port specified: ${raw}<empty>`);
    if (!["tcp", "udp", "sctp"].includes(proto)) throw new HoistError("INVALID_ARGUMENT", `invalid proto: ${proto}`);
    const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(port);
    const start = m ? Number(m[1]) : NaN;
    const end = m?.[2] !== undefined ? Number(m[2]) : start;
    if (!m || start > 65535 || end > 65535 || end < start)
      throw new HoistError("INVALID_ARGUMENT", `invalid containerPort: ${port}`);
    for (let p = start; p <= end; p++) out.push(`${p}/${proto}`);
  }
  return out;
}

/** Apply a config-only instruction; returns false for instructions this does not handle. */
export function applyConfigInstruction(s: StageState, cmd: Command): boolean {
  const c = containerConfig(s);
  switch (cmd.kind) {
    case "env": {
      for (const kv of cmd.env) {
        c.Env = setEnv(c.Env, kv.key, kv.value);
        s.env.set(kv.key, kv.value);
      }
      addHistory(s, `ENV ${cmd.env.map((kv) => `${kv.key}=${kv.value}`).join(" ")}`, true);
      return true;
    }
    case "label": {
      c.Labels = { ...(c.Labels ?? {}) };
      for (const kv of cmd.labels) c.Labels[kv.key] = kv.value;
      addHistory(s, `LABEL ${cmd.labels.map((kv) => `${kv.key}=${kv.value}`).join(" ")}`, true);
      return true;
    }
    case "maintainer":
      s.image.author = cmd.maintainer;
      addHistory(s, `MAINTAINER ${cmd.maintainer}`, true);
      return true;
    case "cmd": {
      const args = cmd.prependShell ? withShell(s, cmd.cmdLine) : [...cmd.cmdLine];
      c.Cmd = args;
      c.ArgsEscaped = true;
      s.cmdSet = true;
      addHistory(s, `CMD ${goQuoteList(args)}`, true);
      return true;
    }
    case "entrypoint": {
      const args = cmd.cmdLine === null ? null : cmd.prependShell ? withShell(s, cmd.cmdLine) : [...cmd.cmdLine];
      c.Entrypoint = args;
      if (!s.cmdSet) c.Cmd = null;
      addHistory(s, `ENTRYPOINT ${goQuoteList(args ?? [])}`, true);
      return true;
    }
    case "healthcheck": {
      const h = cmd.health;
      c.Healthcheck = {
        Test: [...h.test],
        ...(h.interval ? { Interval: h.interval } : {}),
        ...(h.timeout ? { Timeout: h.timeout } : {}),
        ...(h.startPeriod ? { StartPeriod: h.startPeriod } : {}),
        ...(h.startInterval ? { StartInterval: h.startInterval } : {}),
        ...(h.retries ? { Retries: h.retries } : {}),
      };
      addHistory(s, `HEALTHCHECK ${healthcheckText(h)}`, true);
      return true;
    }
    case "expose": {
      const ports = exposedPorts(cmd.ports);
      c.ExposedPorts = { ...(c.ExposedPorts ?? {}) };
      for (const p of ports) c.ExposedPorts[p] = {};
      addHistory(s, `EXPOSE [${ports.join(" ")}]`, true);
      return true;
    }
    case "user":
      c.User = cmd.user;
      addHistory(s, `USER ${cmd.user}`, true);
      return true;
    case "volume": {
      c.Volumes = { ...(c.Volumes ?? {}) };
      for (const v of cmd.volumes) {
        if (v === "") throw new HoistError("INVALID_ARGUMENT", "VOLUME specified can not be an empty string");
        c.Volumes[v] = {};
      }
      addHistory(s, `VOLUME [${cmd.volumes.join(" ")}]`, true);
      return true;
    }
    case "stopsignal":
      checkSignal(cmd.signal);
      c.StopSignal = cmd.signal;
      addHistory(s, `STOPSIGNAL ${cmd.signal}`, true);
      return true;
    case "shell":
      c.Shell = [...cmd.shell];
      addHistory(s, `SHELL [${cmd.shell.join(" ")}]`, true);
      return true;
    case "onbuild":
      c.OnBuild = [...(c.OnBuild ?? []), cmd.expression];
      return true;
    default:
      return false;
  }
}

/** WORKDIR's new working directory: absolute, cleaned, relative to the current one. */
export function normalizeWorkdir(current: string | undefined, path: string): string {
  const joined = path.startsWith("/") ? path : `${current || "/"}/${path}`;
  const parts: string[] = [];
  for (const p of joined.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return `/${parts.join("/")}`;
}
