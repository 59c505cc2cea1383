// PAX extended header records: "<len> <key>=<value>\n", where len counts the whole record.
// Values stay bytes: SCHILY.xattr.* values are binary.

/** Parse a PAX body into key → value bytes; a string describing the problem when malformed. */
export function parsePax(body: Buffer): Map<string, Buffer> | string {
  const records = new Map<string, Buffer>();
  let pos = 0;
  while (pos < body.length) {
    if (body[pos] === 0) break; // trailing NUL padding some writers leave
    const space = body.indexOf(0x20, pos);
    if (space < 0 || space - pos > 20) return `malformed PAX record at byte ${pos}`;
    const lenText = body.toString("latin1", pos, space);
    if (!/^[0-9]+$/.test(lenText)) return `malformed PAX record length ${JSON.stringify(lenText)}`;
    const len = Number(lenText);
    const end = pos + len;
    if (len <= space - pos + 1 || end > body.length || body[end - 1] !== 0x0a)
      return `malformed PAX record at byte ${pos}`;
    const eq = body.indexOf(0x3d, space + 1);
    if (eq < 0 || eq >= end) return `PAX record without "=" at byte ${pos}`;
    const key = body.toString("utf8", space + 1, eq);
    if (key === "") return `PAX record with an empty key at byte ${pos}`;
    records.set(key, body.subarray(eq + 1, end - 1));
    pos = end;
  }
  return records;
}

/** Encode records in the given order. */
export function encodePax(records: Iterable<readonly [string, Uint8Array | string]>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of records) {
    const k = Buffer.from(key, "utf8");
    const v = typeof value === "string" ? Buffer.from(value, "utf8") : value;
    const rest = k.length + v.length + 3; // " ", "=", "\n"
    const digits = String(rest).length;
    let len = rest + digits;
    if (String(len).length !== digits) len = rest + String(len).length;
    parts.push(
      Buffer.from(`${len} `, "latin1"),
      k,
      Buffer.from("=", "latin1"),
      Buffer.from(v),
      Buffer.from("\n", "latin1"),
    );
  }
  return Buffer.concat(parts);
}

/** Parse a PAX time "sec[.frac]" (possibly negative) into seconds and nanoseconds; undefined when malformed. */
export function parsePaxTime(text: string): { sec: number; nsec: number } | undefined {
  const m = /^(-?)([0-9]+)(?:\.([0-9]*))?$/.exec(text);
  if (!m) return undefined;
  const whole = Number(m[2]);
  const frac = (m[3] ?? "").slice(0, 9).padEnd(9, "0");
  let nsec = Number(frac);
  if (!Number.isSafeInteger(whole)) return undefined;
  if (m[1] === "-") {
    // -1.25 is 1.25 s before the epoch: sec -2, nsec 750000000.
    if (nsec === 0) return { sec: -whole, nsec: 0 };
    nsec = 1e9 - nsec;
    return { sec: -whole - 1, nsec };
  }
  return { sec: whole, nsec };
}

export function formatPaxTime(sec: number, nsec: number): string {
  if (nsec === 0) return String(sec);
  if (sec < 0) {
    // sec + nsec/1e9 is negative: print as -(|sec| - 1).(1e9 - nsec)
    const frac = String(1e9 - nsec)
      .padStart(9, "0")
      .replace(/0+$/, "");
    return `-${-sec - 1}.${frac}`;
  }
  return `${sec}.${String(nsec).padStart(9, "0").replace(/0+$/, "")}`;
}
