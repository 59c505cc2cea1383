// `RUN --mount=type=cache,target=/root/.cache,sharing=locked` (BuildKit's instructions/commands_runmount.go).

export type MountType = "bind" | "cache" | "tmpfs" | "secret" | "ssh";
export type CacheSharing = "shared" | "private" | "locked";

export interface Mount {
  readonly type: MountType;
  readonly from: string;
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
  /** `id=`: the cache id, or the secret / ssh id. */
  readonly id: string;
  /** Cache mounts only; "" when not given (BuildKit's default is shared). */
  readonly sharing: CacheSharing | "";
  /** Secret and ssh mounts: fail when the secret / agent is missing. */
  readonly required: boolean;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  /** tmpfs `size=` in bytes. */
  readonly size?: number;
  /** Secret `env=`: expose the secret as this environment variable. */
  readonly env?: string;
}

/** A bad `--mount` value; the instruction parser adds the line. */
export class MountError extends Error {}

const mountTypes = new Set<string>(["bind", "cache", "tmpfs", "secret", "ssh"]);
const sharingModes = new Set<string>(["shared", "private", "locked"]);
const knownKeys = [
  "type", "from", "source", "src", "target", "dst", "destination", "readonly", "ro", "readwrite", "rw",
  "required", "id", "sharing", "mode", "uid", "gid", "size", "env",
]; // prettier-ignore

/** One CSV record, as Go's encoding/csv reads it (`"` quotes a field, `""` is a literal quote). */
export function parseCsvRecord(text: string): string[] {
  if (text === "") throw new MountError("failed to parse csv mounts: EOF");
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (text[i] === '"') {
      for (i++; ; i++) {
        if (i >= text.length)
          throw new MountError(`failed to parse csv mounts: extraneous or missing " in quoted-field`);
        if (text[i] !== '"') field += text[i];
        else if (text[i + 1] === '"') field += text[++i];
        else break;
      }
      i++;
      if (i < text.length && text[i] !== ",") {
        throw new MountError(`failed to parse csv mounts: extraneous or missing " in quoted-field`);
      }
    } else {
      const end = text.indexOf(",", i);
      field = text.slice(i, end < 0 ? text.length : end);
      if (field.includes('"')) throw new MountError(`failed to parse csv mounts: bare " in non-quoted-field`);
      i = end < 0 ? text.length : end;
    }
    fields.push(field);
    if (i >= text.length) return fields;
    i++; // the comma
  }
}

/** The structural checks BuildKit makes when parsing, before variables are known. */
export function checkMountSyntax(spec: string): void {
  for (const field of parseCsvRecord(spec)) {
    const eq = field.indexOf("=");
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    if (eq < 0 && !["readonly", "ro", "readwrite", "rw", "required"].includes(key)) {
      throw new MountError(`invalid field '${field}' must be a key=value pair`);
    }
    if (key === "from" && /\$[^\n]/.test(field.slice(eq + 1))) {
      throw new MountError(`'${key}' doesn't support variable expansion, define alias stage instead`);
    }
  }
}

function parseBool(key: string, value: string): boolean {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  throw new MountError(`invalid value for ${key}: ${value}`);
}

function parseUint32(key: string, value: string, octal: boolean): number {
  const ok = octal ? /^[0-7]+$/.test(value) : /^[0-9]+$/.test(value);
  const n = ok ? Number.parseInt(value, octal ? 8 : 10) : NaN;
  if (!(n <= 0xffffffff)) throw new MountError(`invalid value ${value} for ${key}`);
  return n;
}

/** go-units RAMInBytes: `64m`, `1.5GiB`, `512` → bytes (binary multiples). */
export function ramInBytes(value: string): number {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(value);
  if (m === null) throw new MountError(`invalid size: '${value}'`);
  const power = " kmgtp".indexOf((m[2] ?? " ").toLowerCase());
  return Math.trunc(Number.parseFloat(m[1] ?? "0") * 1024 ** power);
}

/**
 * Parse one `--mount` value. `expand` is applied to every value (RUN's mounts expand build args and
 * ENV); without it values are taken as written.
 */
export function parseMount(spec: string, expand: (word: string) => string = (w) => w): Mount {
  let m: { -readonly [K in keyof Mount]: Mount[K] } = {
    type: "bind", from: "", source: "", target: "", readOnly: false, id: "", sharing: "", required: false,
  }; // prettier-ignore
  let roAuto = true;
  for (const field of parseCsvRecord(spec)) {
    const eq = field.indexOf("=");
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    if (eq < 0) {
      if (key === "readonly" || key === "ro" || key === "readwrite" || key === "rw") {
        m.readOnly = key === "readonly" || key === "ro";
        roAuto = false;
        continue;
      }
      if (key === "required" && (m.type === "secret" || m.type === "ssh")) {
        m.required = true;
        continue;
      }
      if (key === "required") throw new MountError(`unexpected key '${key}' for mount type '${m.type}'`);
      throw new MountError(`invalid field '${field}' must be a key=value pair`);
    }
    const value = expand(field.slice(eq + 1));
    roAuto = roAuto && !["readonly", "ro", "readwrite", "rw"].includes(key);
    m = applyField(m, key, value, field);
  }
  return finishMount(m, roAuto);
}

function applyField(m: Mount, key: string, value: string, field: string): Mount {
  const onlyFor = (...types: MountType[]) => {
    if (!types.includes(m.type)) throw new MountError(`unexpected key '${key}' for mount type '${m.type}'`);
  };
  switch (key) {
    case "type": {
      const type = value.toLowerCase();
      if (!mountTypes.has(type)) throw new MountError(`unsupported mount type "${value}"`);
      return { ...m, type: type as MountType };
    }
    case "from":
      return { ...m, from: value };
    case "source":
    case "src":
      return { ...m, source: value };
    case "target":
    case "dst":
    case "destination":
      return { ...m, target: value };
    case "readonly":
    case "ro":
      return { ...m, readOnly: parseBool(key, value) };
    case "readwrite":
    case "rw":
      return { ...m, readOnly: !parseBool(key, value) };
    case "required":
      onlyFor("secret", "ssh");
      return { ...m, required: parseBool(key, value) };
    case "id":
      return { ...m, id: value };
    case "sharing": {
      const sharing = value.toLowerCase();
      if (!sharingModes.has(sharing)) throw new MountError(`unsupported sharing value "${value}"`);
      return { ...m, sharing: sharing as CacheSharing };
    }
    case "mode":
      return { ...m, mode: parseUint32(key, value, true) };
    case "uid":
      return { ...m, uid: parseUint32(key, value, false) };
    case "gid":
      return { ...m, gid: parseUint32(key, value, false) };
    case "size":
      onlyFor("tmpfs");
      try {
        return { ...m, size: ramInBytes(value) };
      } catch {
        throw new MountError(`invalid value for ${key}: ${value}`);
      }
    case "env":
      onlyFor("secret");
      return { ...m, env: value };
    default:
      throw new MountError(`unexpected key '${key}' in '${field}' (known keys: ${knownKeys.join(", ")})`);
  }
}

function finishMount(m: Mount, roAuto: boolean): Mount {
  const fileInfoAllowed = m.type === "secret" || m.type === "ssh" || m.type === "cache";
  for (const what of ["mode", "uid", "gid"] as const) {
    if (m[what] !== undefined && !fileInfoAllowed)
      throw new MountError(`${what} not allowed for "${m.type}" type mounts`);
  }
  const readOnly = roAuto ? m.type !== "cache" && m.type !== "tmpfs" : m.readOnly;
  if (m.sharing !== "" && m.type !== "cache") throw new MountError(`invalid cache sharing set for ${m.type} mount`);
  if (m.type === "secret") {
    if (m.from !== "") throw new MountError("secret mount should not have a from");
    if (m.source === "" && m.target === "" && m.id === "") {
      throw new MountError("invalid secret mount. one of source, target required");
    }
    if (m.source !== "" && m.id !== "") throw new MountError("both source and id can't be set");
  }
  return { ...m, readOnly };
}
