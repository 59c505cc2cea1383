// Which image of an index to pull: os and architecture must match; variants are understood (arm64 means v8,
// arm means v7, a v7 machine runs v6 and v5 images; amd64 v1 is plain amd64), the closest variant wins.
import { HoistError } from "../../errors.ts";
import type { Descriptor, Platform } from "../../oci/index.ts";
import { hostPlatform } from "../archive-common/platform.ts";

const archAliases: Record<string, { architecture: string; variant?: string }> = {
  x86_64: { architecture: "amd64" },
  "x86-64": { architecture: "amd64" },
  aarch64: { architecture: "arm64" },
  armhf: { architecture: "arm", variant: "v7" },
  armel: { architecture: "arm", variant: "v6" },
  i386: { architecture: "386" },
  i686: { architecture: "386" },
};

const defaultVariant: Record<string, string> = { arm64: "v8", arm: "v7", amd64: "v1" };

/** os, architecture and variant in their canonical spelling, with the architecture's default variant. */
export function normalizePlatform(p: Partial<Platform>): Platform {
  const os = (p.os ?? "linux").toLowerCase();
  let architecture = (p.architecture ?? "").toLowerCase();
  let variant = p.variant?.toLowerCase();
  const alias = archAliases[architecture];
  if (alias) {
    architecture = alias.architecture;
    variant ??= alias.variant;
  }
  if (architecture === "arm64" && variant === "8") variant = "v8";
  if (architecture === "arm" && variant !== undefined && /^\d$/.test(variant)) variant = `v${variant}`;
  variant ??= defaultVariant[architecture];
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** `linux/arm64/v8`, `linux/amd64`, or just `arm64` (linux assumed). */
export function parsePlatform(s: string): Platform {
  const parts = s.trim().split("/");
  if (parts.some((x) => x === "") || parts.length > 3)
    throw new HoistError("INVALID_ARGUMENT", `"${s}": unknown operating system or architecture: invalid argument`);
  if (parts.length === 1) return normalizePlatform({ os: "linux", architecture: parts[0] as string });
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return normalizePlatform({ os, architecture, ...(variant ? { variant } : {}) });
}

export function defaultPlatform(): Platform {
  return normalizePlatform(hostPlatform());
}

export function formatPlatform(p: Partial<Platform>): string {
  return [p.os ?? "unknown", p.architecture ?? "unknown", ...(p.variant ? [p.variant] : [])].join("/");
}

function variantLevel(v: string | undefined): number {
  const m = /^v(\d+)$/.exec(v ?? "");
  return m ? Number(m[1]) : NaN;
}

/** How well `candidate` suits `want`: undefined when it cannot run there, else lower is better. */
export function platformDistance(candidate: Partial<Platform>, want: Platform): number | undefined {
  const c = normalizePlatform(candidate);
  const w = normalizePlatform(want);
  if (c.os !== w.os || c.architecture !== w.architecture) return undefined;
  if (c.variant === w.variant) return 0;
  if (c.variant === undefined || w.variant === undefined) return 1;
  const cl = variantLevel(c.variant);
  const wl = variantLevel(w.variant);
  if (Number.isNaN(cl) || Number.isNaN(wl) || cl > wl) return undefined;
  return 1 + (wl - cl);
}

/** The index entry to pull for `want`; entries without a platform or for unknown/unknown (attestations) are skipped. */
export function choosePlatform(manifests: Descriptor[], want: Platform): Descriptor | undefined {
  let best: Descriptor | undefined;
  let bestScore = Infinity;
  for (const d of manifests) {
    if (!d.platform || d.platform.os === "unknown") continue;
    const score = platformDistance(d.platform, want);
    if (score !== undefined && score < bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}
