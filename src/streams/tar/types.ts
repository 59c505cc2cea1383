// The shape of a tar entry as the reader yields it and the writer takes it.

export type TarEntryType =
  | "file"
  | "directory"
  | "symlink"
  | "hardlink"
  | "char-device"
  | "block-device"
  | "fifo"
  /** A typeflag this package does not handle (the raw flag is in `typeflag`). */
  | "unknown";

/** Seconds since the epoch plus nanoseconds (0..999999999); exact where a float would not be. */
export interface Timestamp {
  sec: number;
  nsec: number;
}

export interface TarHeader {
  /** The path as the archive spells it (after PAX `path` / GNU long names), e.g. `usr/bin/` or `./etc/passwd`. */
  name: string;
  type: TarEntryType;
  /** The raw typeflag character. */
  typeflag: string;
  /** Permission and special bits (07777). */
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Body size in bytes (0 for everything but regular files). */
  size: number;
  mtime: Timestamp;
  /** Symlink target or hardlink target path. */
  linkname: string;
  devmajor: number;
  devminor: number;
  /** Extended attributes from SCHILY.xattr.* (or LIBARCHIVE.xattr.*) PAX records. */
  xattrs: Record<string, Buffer>;
  /** PAX records not mapped to a field above. */
  pax: Record<string, string>;
}

/** What the writer needs: a name and a type; everything else has a zero default. */
export interface TarHeaderInput {
  name: string;
  type: Exclude<TarEntryType, "unknown">;
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  /** Required for files with a body; ignored for other types. */
  size?: number;
  /** Seconds (an integer is exact) or a Timestamp. */
  mtime?: number | Timestamp;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Readonly<Record<string, Uint8Array>>;
}
