// `--chown=user:group` and the USER that WORKDIR creates directories for, resolved against the image's own
// /etc/passwd and /etc/group. A name that is missing there is an error; numbers need not exist.
import { HoistError } from "../errors.ts";
import { readInView } from "./rootfs-view.ts";

export interface Owner {
  uid: number;
  gid: number;
}

const numeric = /^[0-9]+$/;

function lookup(text: string | undefined, name: string, idField: number): number | undefined {
  for (const line of (text ?? "").split("\n")) {
    if (line.startsWith("#")) continue;
    const f = line.split(":");
    if (f[0] === name && f.length > idField) {
      const id = Number(f[idField]);
      if (Number.isInteger(id)) return id;
    }
  }
  return undefined;
}

/**
 * `user[:group]` → ids. As the Dockerfile reference says: a user without a group gets the same number as its
 * gid (`--chown=10` is 10:10; a name takes its uid for both).
 */
export function resolveOwner(spec: string, viewRoot: string | undefined): Owner {
  const colon = spec.indexOf(":");
  const user = colon < 0 ? spec : spec.slice(0, colon);
  const group = colon < 0 ? undefined : spec.slice(colon + 1);
  const id = (value: string, file: string, kind: "user" | "group"): number => {
    if (numeric.test(value)) return Number(value);
    const found = viewRoot === undefined ? undefined : lookup(readInView(viewRoot, file), value, 2);
    if (found === undefined) {
      throw new HoistError(
        "INVALID_ARGUMENT",
        `unable to convert uid/gid chown string to host mapping: can't find ${kind} ${value}`,
      );
    }
    return found;
  };
  if (user === "") throw new HoistError("INVALID_ARGUMENT", `invalid chown string: ${spec}`);
  const uid = id(user, "/etc/passwd", "user");
  const gid = group === undefined || group === "" ? uid : id(group, "/etc/group", "group");
  return { uid, gid };
}

/** The USER of the image as ids (for directories WORKDIR creates): the user's primary group when none is given. */
export function resolveUserIds(spec: string, viewRoot: string): Owner {
  if (spec === "") return { uid: 0, gid: 0 };
  const colon = spec.indexOf(":");
  const user = colon < 0 ? spec : spec.slice(0, colon);
  const group = colon < 0 ? "" : spec.slice(colon + 1);
  const passwd = readInView(viewRoot, "/etc/passwd");
  let uid: number | undefined;
  let gid: number | undefined;
  for (const line of (passwd ?? "").split("\n")) {
    const f = line.split(":");
    if (f.length < 4) continue;
    if ((numeric.test(user) && f[2] === user) || f[0] === user) {
      uid = Number(f[2]);
      gid = Number(f[3]);
      break;
    }
  }
  if (uid === undefined) {
    if (!numeric.test(user))
      throw new HoistError("INVALID_ARGUMENT", `unable to find user ${user}: no matching entries in passwd file`);
    uid = Number(user);
    gid = 0;
  }
  if (group !== "") gid = numeric.test(group) ? Number(group) : lookup(readInView(viewRoot, "/etc/group"), group, 2);
  if (gid === undefined)
    throw new HoistError("INVALID_ARGUMENT", `unable to find group ${group}: no matching entries in group file`);
  return { uid, gid };
}
