// Structured JSON logs, one object per line: access logs for every request, and server events.
export type Level = "debug" | "info" | "warn" | "error";

export interface Logger {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
}

const order: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function jsonLogger(out: { write(line: string): unknown }, minLevel: Level = "info"): Logger {
  return {
    log(level, msg, fields = {}) {
      if (order[level] < order[minLevel]) return;
      out.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
    },
  };
}

export const silentLogger: Logger = { log() {} };
