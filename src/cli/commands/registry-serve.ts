// hoist registry serve: an OCI Distribution registry on this machine's storage.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  RegistryServer,
  isClusterWorker,
  jsonLogger,
  leaveCluster,
  openRegistry,
  parseAddr,
  reportListening,
  runPrimary,
} from "../../server/index.ts";
import type { RegistryConfig } from "../../server/index.ts";
import { HoistError } from "../../errors.ts";
import type { CommandModule } from "../command.ts";
import { configFlags, resolveConfig } from "./registry-config.ts";

export const spec: CommandModule["spec"] = {
  name: "registry serve",
  usage: "registry serve [OPTIONS]",
  description: "Run an OCI Distribution (Docker Registry v2) server",
  flags: [
    ...configFlags,
    {
      name: "addr",
      type: "string",
      valueName: "host:port",
      description: 'Address to listen on (default ":5000", all interfaces)',
    },
    {
      name: "workers",
      type: "string",
      valueName: "n",
      description:
        'Server processes sharing the port and storage: a number or "auto" (default "auto": one per core, at most 4)',
    },
    { name: "tls-cert", type: "string", valueName: "file", description: "TLS certificate (PEM); serve HTTPS" },
    { name: "tls-key", type: "string", valueName: "file", description: "TLS private key (PEM)" },
    { name: "auth", type: "string", valueName: "type", description: "Authentication: none, htpasswd or token" },
    {
      name: "htpasswd",
      type: "string",
      valueName: "file",
      description: "htpasswd file of bcrypt entries (users for htpasswd and token auth)",
    },
    {
      name: "token-realm",
      type: "string",
      valueName: "url",
      description: "Token realm URL clients are sent to (default: this server's /token)",
    },
    {
      name: "token-service",
      type: "string",
      valueName: "name",
      description: 'Token service name (default "hoist-registry")',
    },
    { name: "token-issuer", type: "string", valueName: "name", description: 'Token issuer (default "hoist-registry")' },
    {
      name: "token-key",
      type: "string",
      valueName: "file",
      description: "PEM key that signs (private) or verifies (public) tokens",
    },
    {
      name: "max-manifest-size",
      type: "string",
      valueName: "size",
      description: 'Largest manifest accepted (default "4MiB")',
    },
    {
      name: "max-blob-size",
      type: "string",
      valueName: "size",
      description: 'Largest blob accepted (default "64GiB")',
    },
    { name: "read-only", type: "bool", description: "Refuse pushes and deletes" },
    { name: "delete", type: "bool", default: true, description: "Allow deleting manifests, tags and blobs" },
    { name: "access-log", type: "bool", default: true, description: "Log every request as a JSON line on stderr" },
    {
      name: "log-level",
      type: "string",
      valueName: "level",
      description: 'Log level: debug, info, warn, error (default "info")',
    },
  ],
  args: { max: 0 },
  examples:
    "  hoist registry serve --addr 127.0.0.1:5000 --root /srv/registry\n  hoist registry serve --config /etc/hoist/registry.yaml",
};

const ephemeralSecretEnv = "HOIST_REGISTRY_EPHEMERAL_TOKEN_SECRET";

function withEphemeralSecret(config: RegistryConfig): RegistryConfig {
  const secret = process.env[ephemeralSecretEnv];
  if (secret === undefined || config.auth.token.key !== undefined || config.auth.token.secret !== undefined)
    return config;
  return { ...config, auth: { ...config.auth, token: { ...config.auth.token, secret } } };
}

export const run: CommandModule["run"] = async (ctx, _args, flags) => {
  const config = resolveConfig(ctx, flags, spec.name);
  const { host, port } = parseAddr(config.addr);
  const logger = jsonLogger(ctx.io.stderr, config.log.level);
  if (config.workers > 1 && !isClusterWorker()) {
    // Workers must share a token key: without one configured, they share a secret made here.
    if (config.auth.type === "token" && config.auth.token.key === undefined && config.auth.token.secret === undefined)
      process.env[ephemeralSecretEnv] = randomBytes(32).toString("hex");
    // Check the config once here, so a mistake is reported once and not by every worker.
    openRegistry(withEphemeralSecret(config));
    await runPrimary(config.workers, logger, ctx.signal);
    logger.log("info", "stopped");
    return;
  }
  const { registry, warnings } = openRegistry(withEphemeralSecret(config));
  for (const w of warnings) logger.log("warn", w);
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (config.tls) {
    try {
      tls = { cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) };
    } catch (e) {
      throw new HoistError("INVALID_ARGUMENT", `reading the TLS certificate or key: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
  const server = new RegistryServer({ registry, logger, accessLog: config.log.access, ...(tls ? { tls } : {}) });
  try {
    await server.listen(port, host === "" ? "::" : host);
  } catch (e) {
    throw new HoistError("IO", `listening on ${config.addr}: ${(e as Error).message}`, { cause: e });
  }
  logger.log("info", "listening", {
    url: server.url,
    root: config.root,
    auth: config.auth.type,
    tls: Boolean(tls),
    pid: process.pid,
  });
  reportListening(server.url);
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  logger.log("info", "shutting down: finishing requests in flight");
  await server.close(30_000);
  logger.log("info", "stopped", { pid: process.pid });
  leaveCluster();
};
