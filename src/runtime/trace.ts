// HOIST_TRACE=1: milliseconds since process start at each step of a container's start and end (stderr).
const on = process.env.HOIST_TRACE === "1";

export function trace(step: string): void {
  if (on) process.stderr.write(`hoist-trace ${performance.now().toFixed(1)}ms ${step}\n`);
}

if (on) process.on("exit", () => trace("exit"));
