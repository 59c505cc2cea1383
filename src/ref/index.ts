// Image references as docker parses them: strict parsing, docker.io normalization, familiar
// names, image-ID lookups and transport prefixes.
export { InvalidReferenceError, NAME_TOTAL_LENGTH_MAX, isInvalidReference } from "./errors.ts";
export type { ReferenceErrorKind } from "./errors.ts";
export {
  anchoredDigest,
  anchoredDomain,
  anchoredIdentifier,
  anchoredName,
  anchoredTag,
  referenceRegexp,
} from "./grammar.ts";
export { isValidDigest, validateDigest } from "./digest.ts";
export {
  DEFAULT_TAG,
  isNameOnly,
  isNamed,
  name,
  splitDomain,
  tagOrDefault,
  toString,
  trimNamed,
  withDigest,
  withName,
  withTag,
} from "./reference.ts";
export type { AnyReference, DigestReference, Reference } from "./reference.ts";
export { parseReference } from "./parse.ts";
export {
  DEFAULT_DOMAIN,
  LEGACY_DEFAULT_DOMAIN,
  OFFICIAL_REPO_PREFIX,
  parseAnyReference,
  parseDockerRef,
  parseNamed,
  parseNormalizedNamed,
  splitDockerDomain,
} from "./normalize.ts";
export { familiarMatch, familiarName, familiarString, familiarize } from "./familiar.ts";
export { pathMatch } from "./path-match.ts";
export { imageIdHex, isFullImageId, isImageIdLike } from "./image-id.ts";
export { TRANSPORTS, isTransportName, splitTransport } from "./transport.ts";
export type { TransportName, TransportSplit } from "./transport.ts";
