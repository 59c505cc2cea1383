// hoist logout [SERVER]: remove the saved login (from config.json, or through the credential helper).
import { convertToHostname, credentialKey, eraseCredentials } from "../../auth/index.ts";
import type { CommandModule } from "../command.ts";

export const spec: CommandModule["spec"] = {
  name: "logout",
  usage: "logout [SERVER]",
  description: "Log out from a registry.\nIf no server is specified, the default is defined by the daemon.",
  flags: [
    {
      name: "authfile",
      type: "string",
      description: "Path of the authentication file (default: docker's config.json; env REGISTRY_AUTH_FILE)",
    },
  ],
  args: { max: 1 },
};

export const run: CommandModule["run"] = async (ctx, args, flags) => {
  const key = credentialKey(args[0]);
  const shown = args[0] ? convertToHostname(args[0]) : key;
  const authfile = flags.string("authfile");
  const { removed } = await eraseCredentials(key, { env: ctx.env, ...(authfile ? { authfile } : {}) });
  ctx.io.out(removed ? `Removing login credentials for ${shown}\n` : `Not logged in to ${shown}\n`);
};
