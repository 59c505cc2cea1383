// Which image of a multi-platform index to take.
import type { Platform } from "../../oci/index.ts";

const archNames: Record<string, string> = {
  x64: "amd64",
  ia32: "386",
  arm64: "arm64",
  arm: "arm",
  ppc64: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
};

/** The platform this process runs on, in OCI terms (linux/amd64 on an x86-64 Linux). */
export function hostPlatform(): Platform {
  return {
    os: process.platform === "win32" ? "windows" : "linux",
    architecture: archNames[process.arch] ?? process.arch,
  };
}

/** Whether `p` can run where `want` is asked for: os and architecture equal, and the variant when both say one. */
export function platformMatches(p: Partial<Platform> | undefined, want: Platform): boolean {
  if (p === undefined || p.os !== want.os || p.architecture !== want.architecture) return false;
  return want.variant === undefined || p.variant === undefined || p.variant === want.variant;
}

export function platformString(p: Partial<Platform>): string {
  return [p.os ?? "?", p.architecture ?? "?", ...(p.variant ? [p.variant] : [])].join("/");
}
