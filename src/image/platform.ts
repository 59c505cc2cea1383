// This machine's platform in OCI terms.
export function platformArch(arch: string = process.arch): string {
  return arch === "x64" ? "amd64" : arch === "ia32" ? "386" : arch === "arm" ? "arm" : arch;
}

export function platformString(): string {
  return `linux/${platformArch()}`;
}
