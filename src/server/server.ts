// The HTTP(S) server around the registry: listening, access logs, timeouts and graceful shutdown.
import { createServer as createHttpServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Registry } from "./context.ts";
import type { Logger } from "./log.ts";
import { silentLogger } from "./log.ts";
import { dispatch } from "./router.ts";

export interface ServerOptions {
  registry: Registry;
  tls?: { cert: string | Buffer; key: string | Buffer };
  logger?: Logger;
  /** Write one access log line per request (default true). */
  accessLog?: boolean;
  /** Idle socket timeout in ms (default 120 s); a whole upload may take longer. */
  idleTimeoutMs?: number;
}

export class RegistryServer {
  readonly server: Server;
  readonly registry: Registry;
  readonly #logger: Logger;
  readonly #accessLog: boolean;
  readonly #secure: boolean;
  #inFlight = 0;
  #closing = false;
  #drained: (() => void) | undefined;

  constructor(options: ServerOptions) {
    this.registry = options.registry;
    this.#logger = options.logger ?? silentLogger;
    this.#accessLog = options.accessLog ?? true;
    this.#secure = options.tls !== undefined;
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.#handle(req, res);
    this.server = options.tls
      ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler)
      : createHttpServer(handler);
    // Uploads can be long: no whole-request deadline, but idle sockets and slow headers are cut off.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 60_000;
    this.server.keepAliveTimeout = 30_000;
    this.server.timeout = options.idleTimeoutMs ?? 120_000;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#inFlight++;
    const started = performance.now();
    if (this.#closing) res.setHeader("Connection", "close");
    try {
      const ctx = await dispatch(this.registry, req, res);
      if (!res.writableFinished) await new Promise<void>((resolve) => res.once("close", resolve));
      if (this.#accessLog || res.statusCode >= 500) {
        const fields: Record<string, unknown> = {
          method: ctx.method,
          path: ctx.path,
          status: res.statusCode,
          bytes: Number(res.getHeader("content-length") ?? 0),
          durationMs: Math.round((performance.now() - started) * 100) / 100,
          remote: req.socket.remoteAddress,
          user: ctx.identity?.user,
          userAgent: req.headers["user-agent"],
        };
        this.#logger.log(res.statusCode >= 500 ? "error" : "info", "request", fields);
      }
    } finally {
      this.#inFlight--;
      if (this.#closing) {
        this.server.closeIdleConnections();
        if (this.#inFlight === 0) this.#drained?.();
      }
    }
  }

  get secure(): boolean {
    return this.#secure;
  }

  listen(port: number, host = "127.0.0.1"): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** The base URL (http://host:port) once listening. */
  get url(): string {
    const a = this.server.address() as AddressInfo;
    const host = a.family === "IPv6" ? `[${a.address}]` : a.address;
    return `${this.#secure ? "https" : "http"}://${host}:${a.port}`;
  }

  /** Stops accepting connections, lets requests in flight finish (up to `timeoutMs`), then closes everything. */
  async close(timeoutMs = 30_000): Promise<void> {
    this.#closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.#inFlight > 0) {
      const drained = new Promise<void>((resolve) => (this.#drained = resolve));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([drained, timedOut]);
      clearTimeout(timer);
    }
    this.server.closeAllConnections();
    await closed;
  }
}
