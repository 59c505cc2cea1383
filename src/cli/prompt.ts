// Docker's "Are you sure you want to continue? [y/N]" confirmation.
import type { Context } from "./command.ts";

export async function confirm(ctx: Context, warning: string): Promise<boolean> {
  ctx.io.out(`${warning}\nAre you sure you want to continue? [y/N] `);
  const line = await readLine(ctx.io.stdin);
  return /^y(es)?$/i.test(line.trim());
}

async function readLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let buf = "";
    const onData = (chunk: Buffer | string): void => {
      buf += chunk.toString();
      const nl = buf.indexOf("\n");
      if (nl >= 0) finish(buf.slice(0, nl));
    };
    const finish = (s: string): void => {
      stream.removeListener("data", onData);
      stream.removeListener("end", onEnd);
      stream.pause();
      resolve(s);
    };
    const onEnd = (): void => finish(buf);
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.resume();
  });
}
