// USER for a RUN step, resolved inside the step's root filesystem as docker does: names must be in
// /etc/passwd (/etc/group), numbers need not; supplementary groups from /etc/group; HOME from passwd.
import { HoistError } from "../../errors.ts";
import { readInView } from "../rootfs-view.ts";

export interface ExecUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

const numeric = /^[0-9]+$/;

function records(text: string | undefined, fields: number): string[][] {
  return (text ?? "")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split(":"))
    .filter((f) => f.length >= fields);
}

export function resolveExecUser(rootfs: string, spec: string): ExecUser {
  const colon = spec.indexOf(":");
  const userPart = (colon < 0 ? spec : spec.slice(0, colon)) || "0";
  const groupPart = colon < 0 ? undefined : spec.slice(colon + 1);
  const passwd = records(readInView(rootfs, "/etc/passwd"), 7);
  const groups = records(readInView(rootfs, "/etc/group"), 4);
  const entry = passwd.find((f) => (numeric.test(userPart) ? f[2] === userPart : f[0] === userPart));
  if (entry === undefined && !numeric.test(userPart)) {
    throw new HoistError("RUNTIME", `unable to find user ${userPart}: no matching entries in passwd file`);
  }
  const uid = Number(entry?.[2] ?? userPart);
  let gid = Number(entry?.[3] ?? 0);
  if (groupPart !== undefined && groupPart !== "") {
    const g = groups.find((f) => (numeric.test(groupPart) ? f[2] === groupPart : f[0] === groupPart));
    if (g === undefined && !numeric.test(groupPart)) {
      throw new HoistError("RUNTIME", `unable to find group ${groupPart}: no matching entries in group file`);
    }
    gid = Number(g?.[2] ?? groupPart);
  }
  const name = entry?.[0];
  const additionalGids =
    groupPart === undefined && name !== undefined
      ? [...new Set(groups.filter((g) => (g[3] ?? "").split(",").includes(name)).map((g) => Number(g[2])))].filter(
          (g) => g !== gid,
        )
      : [];
  return { uid, gid, additionalGids, home: entry?.[5] || "/" };
}
