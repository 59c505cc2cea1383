// Image IDs as docker accepts them in place of a name: full or truncated hex, with or without `sha256:`.

const idLike = /^(?:sha256:)?([a-f0-9]{4,64})$/;

/** Whether `s` may be an image ID or ID prefix (at least 4 hex digits, optionally `sha256:`-prefixed). */
export function isImageIdLike(s: string): boolean {
  return idLike.test(s);
}

/** The hex part of an ID-like string (`sha256:` removed), or undefined when `s` is not ID-like. */
export function imageIdHex(s: string): string | undefined {
  return idLike.exec(s)?.[1];
}

/** Whether `s` is a complete image ID: 64 hex digits, optionally `sha256:`-prefixed. */
export function isFullImageId(s: string): boolean {
  return imageIdHex(s)?.length === 64;
}
