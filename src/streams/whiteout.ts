// OCI whiteout names and their overlayfs forms (a 0/0 character device; the opaque xattr).

export const WHITEOUT_PREFIX = ".wh.";
/** Marks a directory whose lower-layer children are all hidden. */
export const OPAQUE_MARKER = ".wh..wh..opq";
/** Prefix of aufs metadata entries (`.wh..wh.plnk`, `.wh..wh.aufs`, …), skipped as docker does. */
export const AUFS_META_PREFIX = ".wh..wh.";
export const OPAQUE_XATTR = "trusted.overlay.opaque";
export const USER_OPAQUE_XATTR = "user.overlay.opaque";

/** overlayfs's private attributes: never taken from a tar, never written to one. */
export function isOverlayXattr(name: string): boolean {
  return name.startsWith("trusted.overlay.") || name.startsWith("user.overlay.");
}

export type WhiteoutName =
  | { kind: "opaque" }
  | { kind: "whiteout"; target: string }
  | { kind: "aufs-meta" }
  | { kind: "invalid" }
  | { kind: "plain" };

/** What a base name means in a layer. */
export function classifyName(base: string): WhiteoutName {
  if (!base.startsWith(WHITEOUT_PREFIX)) return { kind: "plain" };
  if (base === OPAQUE_MARKER) return { kind: "opaque" };
  if (base.startsWith(AUFS_META_PREFIX)) return { kind: "aufs-meta" };
  const target = base.slice(WHITEOUT_PREFIX.length);
  if (target === "" || target === "." || target === "..") return { kind: "invalid" };
  return { kind: "whiteout", target };
}
