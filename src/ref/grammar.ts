// The reference grammar as regular expressions, built from small named pieces.
// JavaScript alternation is leftmost-first like Go's regexp, so captures agree with docker's.

const group = (...parts: string[]): string => `(?:${parts.join("")})`;
const optional = (...parts: string[]): string => `${group(...parts)}?`;
const repeated = (...parts: string[]): string => `${group(...parts)}*`;
const capture = (...parts: string[]): string => `(${parts.join("")})`;
const anchored = (...parts: string[]): RegExp => new RegExp(`^${parts.join("")}$`);

// Path components: lower-case alphanumerics joined by ".", "_", "__" or a run of "-".
const alphanumeric = "[a-z0-9]+";
const separator = group("[._]|__|-+");
const pathComponent = alphanumeric + repeated(separator, alphanumeric);
const path = pathComponent + repeated("/", pathComponent);

// Domains: DNS-ish labels (any case) or a bracketed IPv6 literal, then an optional numeric port.
const label = group("[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]");
const dnsName = label + repeated("\\.", label);
const ipv6 = "\\[[a-fA-F0-9:]+\\]";
const host = group(dnsName, "|", ipv6);
const domain = host + optional(":[0-9]+");

const tag = "\\w[\\w.-]{0,127}";
const digest = "[A-Za-z][A-Za-z0-9]*" + repeated("[-_+.][A-Za-z][A-Za-z0-9]*") + ":[0-9a-fA-F]{32,}";
const name = optional(domain, "/") + path;

/** A domain with optional port, e.g. `localhost:5000` or `[::1]:5000`. */
export const anchoredDomain: RegExp = anchored(domain);
/** A repository name; captures 1 = domain (undefined when none), 2 = path. */
export const anchoredName: RegExp = anchored(optional(capture(domain), "/"), capture(path));
/** A full reference; captures 1 = name, 2 = tag, 3 = digest (undefined when absent). */
export const referenceRegexp: RegExp = anchored(
  capture(name),
  optional(":", capture(tag)),
  optional("@", capture(digest)),
);
export const anchoredTag: RegExp = anchored(tag);
/** Digest syntax only; the algorithm and length are checked by `validateDigest`. */
export const anchoredDigest: RegExp = anchored(digest);
/** A bare image ID: exactly 64 lower-case hex digits. */
export const anchoredIdentifier: RegExp = /^[a-f0-9]{64}$/;
