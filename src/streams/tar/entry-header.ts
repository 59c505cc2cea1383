// Turn a raw header block plus the PAX records and GNU long names before it into a TarHeader.
import { HoistError } from "../../errors.ts";
import type { RawHeader } from "./header.ts";
import { parsePax, parsePaxTime } from "./pax.ts";
import type { TarEntryType, TarHeader } from "./types.ts";

const TYPES: Record<string, TarEntryType> = {
  "0": "file",
  "7": "file",
  "1": "hardlink",
  "2": "symlink",
  "3": "char-device",
  "4": "block-device",
  "5": "directory",
  "6": "fifo",
  D: "directory", // GNU dumpdir: a directory whose body lists its contents
};

/** Metadata entries (PAX x/g, GNU L/K) waiting for the header they apply to. */
export class PendingMeta {
  #globals = new Map<string, Buffer>();
  #local = new Map<string, Buffer>();
  #longName: string | undefined;
  #longLink: string | undefined;

  static isMeta(typeflag: string): boolean {
    return typeflag === "x" || typeflag === "X" || typeflag === "g" || typeflag === "L" || typeflag === "K";
  }

  /** Take in a metadata entry's body; returns a description of the problem when it is malformed. */
  absorb(typeflag: string, body: Buffer): string | undefined {
    if (typeflag === "L" || typeflag === "K") {
      const nul = body.indexOf(0);
      const text = body.toString("utf8", 0, nul < 0 ? body.length : nul);
      if (typeflag === "L") this.#longName = text;
      else this.#longLink = text;
      return undefined;
    }
    const records = parsePax(body);
    if (typeof records === "string") return records;
    if (typeflag === "g") this.#globals = new Map([...this.#globals, ...records]);
    else this.#local = new Map([...this.#local, ...records]);
    return undefined;
  }

  /** The full header for `raw`; entry-local metadata is used up, global records stay. */
  header(raw: RawHeader): TarHeader {
    const h = buildHeader(raw, mergePax(this.#globals, this.#local), this.#longName, this.#longLink);
    this.#local = new Map();
    this.#longName = undefined;
    this.#longLink = undefined;
    return h;
  }
}

function mergePax(globals: Map<string, Buffer>, local: Map<string, Buffer>): Map<string, Buffer> {
  const merged = globals.size === 0 ? new Map(local) : new Map([...globals, ...local]);
  // An empty value deletes the keyword: the ustar field applies again.
  for (const [k, v] of merged) if (v.length === 0) merged.delete(k);
  return merged;
}

function buildHeader(raw: RawHeader, pax: Map<string, Buffer>, longName?: string, longLink?: string): TarHeader {
  const h: TarHeader = {
    name: longName ?? raw.name,
    type: TYPES[raw.typeflag] ?? "unknown",
    typeflag: raw.typeflag,
    mode: raw.mode & 0o7777,
    uid: raw.uid,
    gid: raw.gid,
    uname: raw.uname,
    gname: raw.gname,
    size: raw.size,
    mtime: { sec: raw.mtime, nsec: 0 },
    linkname: longLink ?? raw.linkname,
    devmajor: raw.devmajor,
    devminor: raw.devminor,
    // Null-prototype records: keys come from the archive ("__proto__" included).
    xattrs: Object.create(null) as Record<string, Buffer>,
    pax: Object.create(null) as Record<string, string>,
  };
  for (const [key, value] of pax) applyPax(h, key, value);
  // Old tars mark directories with a trailing slash on a regular-file entry.
  if ((raw.typeflag === "0" || raw.typeflag === "7") && h.name.endsWith("/")) h.type = "directory";
  // Links, directories, devices and fifos never store a body, whatever their size field says (as Go reads them).
  if (h.type !== "file" && h.type !== "unknown" && raw.typeflag !== "D") h.size = 0;
  validateNumbers(h, raw);
  return h;
}

function applyPax(h: TarHeader, key: string, value: Buffer): void {
  if (key.startsWith("SCHILY.xattr.")) {
    h.xattrs[key.slice(13)] = value;
    return;
  }
  if (key.startsWith("LIBARCHIVE.xattr.")) {
    const name = decodeURIComponentOrUndefined(key.slice(17));
    if (name !== undefined) h.xattrs[name] ??= Buffer.from(value.toString("latin1"), "base64");
    return;
  }
  const text = value.toString("utf8");
  const num = (): number => (/^[0-9]+$/.test(text) ? Number(text) : NaN);
  switch (key) {
    case "path":
      h.name = text;
      return;
    case "linkpath":
      h.linkname = text;
      return;
    case "size":
      h.size = num();
      return;
    case "uid":
      h.uid = num();
      return;
    case "gid":
      h.gid = num();
      return;
    case "uname":
      h.uname = text;
      return;
    case "gname":
      h.gname = text;
      return;
    case "mtime":
      h.mtime = parsePaxTime(text) ?? { sec: NaN, nsec: 0 };
      return;
    case "SCHILY.devmajor":
      h.devmajor = num();
      return;
    case "SCHILY.devminor":
      h.devminor = num();
      return;
    case "atime":
    case "ctime":
    case "charset":
    case "hdrcharset":
    case "comment":
      return;
    default:
      h.pax[key] = text;
  }
}

function decodeURIComponentOrUndefined(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function validateNumbers(h: TarHeader, raw: RawHeader): void {
  const fields: [string, number][] = [
    ["mode", raw.mode],
    ["uid", h.uid],
    ["gid", h.gid],
    ["size", h.size],
    ["mtime", h.mtime.sec],
    ["devmajor", h.devmajor],
    ["devminor", h.devminor],
  ];
  for (const [field, v] of fields) {
    const ok = Number.isSafeInteger(v) && (v >= 0 || field === "mtime");
    if (!ok) throw bad(`corrupt tar archive: invalid ${field} in the header of entry ${JSON.stringify(h.name)}`);
  }
}

function bad(message: string): HoistError {
  return new HoistError("BAD_ARCHIVE", message);
}
