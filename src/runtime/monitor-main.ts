// The detached monitor process: `node monitor.js ROOT ID`, started by `start`/`run -d` with the container's
// lock on fd 3 and a report pipe on fd 4 ({"ok":true,"pid":N} or {"ok":false,"message":…,"exitCode":N}).
// It runs the container to its end (see monitor.ts) and then exits.
import { closeSync, writeSync } from "node:fs";
import { Engine } from "./engine.ts";
import { runContainer } from "./monitor.ts";

const LOCK_FD = 3;
const REPORT_FD = 4;

let reported = false;
function report(value: object): void {
  if (reported) return;
  reported = true;
  try {
    writeSync(REPORT_FD, `${JSON.stringify(value)}\n`);
    closeSync(REPORT_FD);
  } catch {
    /* the starting command is gone */
  }
}

// No terminal, no session leader to inherit signals from: stay until the container ends.
for (const s of ["SIGHUP", "SIGINT", "SIGTERM", "SIGPIPE"] as const) process.on(s, () => {});

const [root = "", id = ""] = process.argv.slice(2);
try {
  const engine = Engine.open(root);
  const record = engine.containers.get(id);
  await runContainer(engine, record, LOCK_FD, { onStarted: (pid) => report({ ok: true, pid }) });
} catch (e) {
  const err = e as Error & { exitCode?: number };
  report({ ok: false, message: err.message, exitCode: err.exitCode ?? 125 });
  process.stderr.write(`${new Date().toISOString()} ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
}
