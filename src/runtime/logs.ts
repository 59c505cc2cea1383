// Container logs in docker's json-file format (one JSON object per line: log, stream, time), written by the
// monitor, read by `logs` (--tail, --since, --until, -t, -f).
import fs from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export function logPath(containerDir: string, id: string): string {
  return join(containerDir, `${id}-json.log`);
}

/** RFC 3339 with nanoseconds (as much precision as the clock gives), like Go's RFC3339Nano. */
export function nowNano(): string {
  const ms = performance.timeOrigin + performance.now();
  const whole = Math.floor(ms);
  const iso = new Date(whole).toISOString().slice(0, 19);
  const frac = String(Math.floor((ms - whole) * 1e6) + (whole % 1000) * 1e6).padStart(9, "0");
  return `${iso}.${frac}Z`;
}

export class LogWriter {
  private fd: number | undefined;

  constructor(path: string) {
    this.fd = fs.openSync(path, "a", 0o640);
  }

  /** One entry per line; a chunk's trailing partial line is its own entry (as docker's partial messages). */
  write(stream: "stdout" | "stderr", chunk: Buffer): void {
    if (this.fd === undefined || chunk.length === 0) return;
    const time = nowNano();
    const text = chunk.toString("utf8");
    let out = "";
    let start = 0;
    while (start < text.length) {
      const nl = text.indexOf("\n", start);
      const end = nl < 0 ? text.length : nl + 1;
      out += `${JSON.stringify({ log: text.slice(start, end), stream, time })}\n`;
      start = end;
    }
    fs.writeSync(this.fd, out);
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

export interface LogEntry {
  log: string;
  stream: "stdout" | "stderr";
  time: string;
}

export interface ReadLogOptions {
  tail?: number;
  /** Epoch ms bounds. */
  since?: number;
  until?: number;
  follow?: boolean;
  /** While following: whether the container may still write. */
  running?: () => boolean;
  signal?: AbortSignal;
}

function parseLines(text: string): LogEntry[] {
  const out: LogEntry[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as LogEntry);
    } catch {
      /* a torn line */
    }
  }
  return out;
}

function keep(e: LogEntry, o: ReadLogOptions): boolean {
  if (o.since === undefined && o.until === undefined) return true;
  const t = Date.parse(e.time);
  return (o.since === undefined || t >= o.since) && (o.until === undefined || t <= o.until);
}

/** Read the log, then (with follow) keep reading until the container stops. */
export async function readLogs(path: string, o: ReadLogOptions, emit: (e: LogEntry) => void): Promise<void> {
  let pos = 0;
  let pending = "";
  const readMore = (): LogEntry[] => {
    let fd: number;
    try {
      fd = fs.openSync(path, "r");
    } catch {
      return [];
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size < pos) pos = 0;
      if (size === pos) return [];
      const buf = Buffer.alloc(size - pos);
      fs.readSync(fd, buf, 0, buf.length, pos);
      pos = size;
      const text = pending + buf.toString("utf8");
      const cut = text.lastIndexOf("\n") + 1;
      pending = text.slice(cut);
      return parseLines(text.slice(0, cut));
    } finally {
      fs.closeSync(fd);
    }
  };
  let first = readMore().filter((e) => keep(e, o));
  if (o.tail !== undefined && o.tail >= 0) first = o.tail === 0 ? [] : first.slice(-o.tail);
  for (const e of first) emit(e);
  if (!o.follow) return;
  for (let idle = 0; ;) {
    if (o.signal?.aborted) return;
    const more = readMore();
    for (const e of more) if (keep(e, o)) emit(e);
    if (more.length === 0) {
      if (!(o.running?.() ?? false)) {
        for (const e of readMore()) if (keep(e, o)) emit(e);
        return;
      }
      idle++;
      await sleep(Math.min(20 * idle, 200));
    } else idle = 0;
  }
}
