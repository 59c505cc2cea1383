// Build arguments: the meta args (ARGs before the first FROM, with --build-arg values and the automatic
// platform args) that FROM lines expand with, and the predefined proxy args RUN gets without an ARG.
import type { ArgInstruction, EscapeToken } from "./dockerfile/index.ts";
import { processWordWithMatches } from "./dockerfile/index.ts";
import { platformArch } from "../image/platform.ts";

/** Args every build has without declaring them (BuildKit's proxy args); not kept in history or cache keys. */
export const PROXY_ARGS = [
  "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
  "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
]; // prettier-ignore

export interface Platform {
  os: string;
  architecture: string;
  variant: string;
}

export function nativePlatform(): Platform {
  return { os: "linux", architecture: platformArch(), variant: "" };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ""}`;
}

/** BUILDPLATFORM, TARGETARCH and friends (the build runs on, and for, this machine). */
export function platformArgs(p: Platform, targetStage: string): Map<string, string> {
  const s = formatPlatform(p);
  return new Map([
    ["BUILDPLATFORM", s],
    ["BUILDOS", p.os],
    ["BUILDARCH", p.architecture],
    ["BUILDVARIANT", p.variant],
    ["TARGETPLATFORM", s],
    ["TARGETOS", p.os],
    ["TARGETARCH", p.architecture],
    ["TARGETVARIANT", p.variant],
    ["TARGETSTAGE", targetStage],
  ]);
}

/**
 * The global scope FROM lines see: the platform args, then each meta ARG (its --build-arg value, or its
 * default expanded with what came before). An ARG without a value is declared but stays unset.
 */
export function metaArgs(
  args: readonly ArgInstruction[],
  buildArgs: ReadonlyMap<string, string>,
  platform: Map<string, string>,
  escapeToken: EscapeToken,
): { env: Map<string, string>; declared: Set<string> } {
  const env = new Map(platform);
  const declared = new Set<string>();
  for (const inst of args) {
    for (const a of inst.args) {
      declared.add(a.key);
      const given = buildArgs.get(a.key);
      if (given !== undefined) env.set(a.key, given);
      else if (a.value !== undefined) env.set(a.key, processWordWithMatches(a.value, env, { escapeToken }).result);
    }
  }
  return { env, declared };
}
