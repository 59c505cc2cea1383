// `-u user[:group]` resolved against the container's own /etc/passwd and /etc/group, as docker does:
// names must exist there, numbers need not; supplementary groups come from /etc/group; HOME from passwd.
import { HoistError } from "../errors.ts";
import { readInRoot } from "./rootfs-path.ts";

export interface ExecUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

function parsePasswd(text: string | undefined): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of (text ?? "").split("\n")) {
    const f = line.split(":");
    if (f.length < 7 || line.startsWith("#")) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    out.push({ name: f[0] as string, uid, gid, home: f[5] as string });
  }
  return out;
}

function parseGroup(text: string | undefined): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of (text ?? "").split("\n")) {
    const f = line.split(":");
    if (f.length < 4 || line.startsWith("#")) continue;
    const gid = Number(f[2]);
    if (!Number.isInteger(gid)) continue;
    out.push({ name: f[0] as string, gid, members: (f[3] as string).split(",").filter(Boolean) });
  }
  return out;
}

const numeric = /^\d+$/;

/** Resolve `spec` ("", "name", "uid", "name:group", "uid:gid") inside the root filesystem `rootfs`. */
export function resolveUser(rootfs: string, spec: string): ExecUser {
  const [userPart = "", groupPart] = spec.split(":", 2) as [string, string | undefined];
  const passwd = parsePasswd(readInRoot(rootfs, "/etc/passwd"));
  const groups = parseGroup(readInRoot(rootfs, "/etc/group"));
  const user = userPart === "" ? "0" : userPart;
  let entry = numeric.test(user) ? passwd.find((p) => p.uid === Number(user)) : passwd.find((p) => p.name === user);
  if (!entry) {
    if (!numeric.test(user))
      throw new HoistError("RUNTIME", `unable to find user ${user}: no matching entries in passwd file`, {
        exitCode: 125,
      });
    entry = { name: "", uid: Number(user), gid: 0, home: "/" };
  }
  let gid = entry.gid;
  if (groupPart !== undefined && groupPart !== "") {
    if (numeric.test(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((x) => x.name === groupPart);
      if (!g)
        throw new HoistError("RUNTIME", `unable to find group ${groupPart}: no matching entries in group file`, {
          exitCode: 125,
        });
      gid = g.gid;
    }
  }
  const additionalGids =
    groupPart === undefined && entry.name !== ""
      ? [...new Set(groups.filter((g) => g.members.includes(entry.name) && g.gid !== gid).map((g) => g.gid))]
      : [];
  return { uid: entry.uid, gid, additionalGids, home: entry.home || "/" };
}
