// hoist login [-u USER] [-p PASS | --password-stdin] [SERVER]: check the credentials against the registry,
// then save them (config.json, mode 0600, or the credential helper) as docker does.
import { HoistError } from "../../errors.ts";
import { credentialKey, lookupCredentials, registryOfKey, saveCredentials } from "../../auth/index.ts";
import type { Credentials } from "../../http/index.ts";
import { checkLogin } from "../../transports/remote/index.ts";
import type { CommandModule, Context } from "../command.ts";

export const spec: CommandModule["spec"] = {
  name: "login",
  usage: "login [OPTIONS] [SERVER]",
  description: "Authenticate to a registry.\nDefaults to Docker Hub if no server is specified.",
  flags: [
    { name: "username", short: "u", type: "string", description: "Username" },
    { name: "password", short: "p", type: "string", description: "Password or Personal Access Token (PAT)" },
    {
      name: "password-stdin",
      type: "bool",
      description: "Take the Password or Personal Access Token (PAT) from stdin",
    },
    {
      name: "tls-verify",
      type: "bool",
      default: true,
      description: "Require HTTPS and verify certificates when contacting registries",
    },
    {
      name: "authfile",
      type: "string",
      description: "Path of the authentication file (default: docker's config.json; env REGISTRY_AUTH_FILE)",
    },
  ],
  args: { max: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  let username = flags.string("username")?.trim();
  let password = flags.string("password");
  const fromStdin = flags.bool("password-stdin");
  if (password !== undefined) {
    ctx.io.err("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
    if (fromStdin) throw new HoistError("INVALID_ARGUMENT", "--password and --password-stdin are mutually exclusive");
  }
  if (fromStdin) {
    if (!username) throw new HoistError("INVALID_ARGUMENT", "Must provide --username with --password-stdin");
    password = (await readAll(ctx.io.stdin)).replace(/\n$/, "").replace(/\r$/, "");
  }
  const key = credentialKey(args[0]);
  const registry = registryOfKey(key);
  const authfile = flags.string("authfile");
  const fileOpts = { env: ctx.env, ...(authfile ? { authfile } : {}) };
  const remote = { ...fileOpts, signal: ctx.signal, ...(flags.bool("tls-verify") ? {} : { tlsVerify: false }) };

  if (!username && password === undefined) {
    const existing = await lookupCredentials(registry, fileOpts).catch(() => undefined);
    if (existing && (await works(registry, existing, remote))) {
      ctx.io.out("Authenticating with existing credentials...\n");
      ctx.io.out("Login Succeeded\n");
      return;
    }
    const stdin = ctx.io.stdin as NodeJS.ReadStream;
    if (!stdin.isTTY)
      throw new HoistError("INVALID_ARGUMENT", "Cannot perform an interactive login from a non TTY device");
    const hint = existing?.username ? ` (${existing.username})` : "";
    username = (await prompt(ctx, `Username${hint}: `, false)).trim() || existing?.username;
  }
  if (!username) throw new HoistError("INVALID_ARGUMENT", "Username is required");
  if (password === undefined) {
    const stdin = ctx.io.stdin as NodeJS.ReadStream;
    if (!stdin.isTTY)
      throw new HoistError("INVALID_ARGUMENT", "Cannot perform an interactive login from a non TTY device");
    password = await prompt(ctx, "Password: ", true);
  }
  if (password === "") throw new HoistError("INVALID_ARGUMENT", "Password is required");

  const result = await checkLogin(registry, { username, password }, remote);
  const saved = await saveCredentials(
    key,
    { username, password, ...(result.identityToken ? { identityToken: result.identityToken } : {}) },
    fileOpts,
  );
  if (!saved.helper && !result.identityToken)
    ctx.io.err(
      `WARNING! Your password will be stored unencrypted in ${saved.path}.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/engine/reference/commandline/login/#credentials-store\n\n`,
    );
  ctx.io.out("Login Succeeded\n");
};

async function works(registry: string, creds: Credentials, remote: Parameters<typeof checkLogin>[2]): Promise<boolean> {
  try {
    await checkLogin(registry, creds, remote);
    return true;
  } catch (e) {
    if (e instanceof HoistError && (e.code === "UNAUTHORIZED" || e.code === "DENIED")) return false;
    throw e;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let s = "";
  for await (const chunk of stream as AsyncIterable<Buffer | string>) s += chunk.toString();
  return s;
}

/** Ask on the terminal; `secret` turns echo off. */
function prompt(ctx: Context, question: string, secret: boolean): Promise<string> {
  const stdin = ctx.io.stdin as NodeJS.ReadStream;
  ctx.io.out(question);
  return new Promise((resolve, reject) => {
    let buf = "";
    const wasRaw = stdin.isRaw;
    if (secret) stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    const finish = (err?: Error): void => {
      stdin.off("data", onData);
      if (secret) {
        stdin.setRawMode(wasRaw);
        ctx.io.out("\n");
      }
      stdin.pause();
      if (err) reject(err);
      else resolve(buf);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003") return finish(new HoistError("INTERNAL", "interrupted"));
        if (ch === "\u007f" || ch === "\b") buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    stdin.on("data", onData);
    stdin.resume();
  });
}
