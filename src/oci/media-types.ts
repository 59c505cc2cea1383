// Media types of the OCI image-spec and Docker's schema2, and what each one is.

export const MediaType = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayer: "application/vnd.oci.image.layer.v1.tar",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  ociLayerNondistributable: "application/vnd.oci.image.layer.nondistributable.v1.tar",
  ociLayerNondistributableGzip: "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
  ociLayerNondistributableZstd: "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
  ociEmpty: "application/vnd.oci.empty.v1+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestV1: "application/vnd.docker.distribution.manifest.v1+json",
  dockerManifestV1Signed: "application/vnd.docker.distribution.manifest.v1+prettyjws",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayer: "application/vnd.docker.image.rootfs.diff.tar",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  dockerLayerForeignGzip: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
} as const;

export type Compression = "none" | "gzip" | "zstd";

const layerCompression: Record<string, Compression> = {
  [MediaType.ociLayer]: "none",
  [MediaType.ociLayerGzip]: "gzip",
  [MediaType.ociLayerZstd]: "zstd",
  [MediaType.ociLayerNondistributable]: "none",
  [MediaType.ociLayerNondistributableGzip]: "gzip",
  [MediaType.ociLayerNondistributableZstd]: "zstd",
  [MediaType.dockerLayer]: "none",
  [MediaType.dockerLayerGzip]: "gzip",
  [MediaType.dockerLayerForeignGzip]: "gzip",
};

/** The compression a layer media type declares, or undefined when it is not a layer type. */
export function layerCompressionOf(mediaType: string): Compression | undefined {
  return layerCompression[mediaType];
}

export function isIndexType(mediaType: string | undefined): boolean {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList;
}

export function isManifestType(mediaType: string | undefined): boolean {
  return mediaType === MediaType.ociManifest || mediaType === MediaType.dockerManifest;
}

/** The OCI layer media type for a compression. */
export function ociLayerType(c: Compression): string {
  return c === "gzip" ? MediaType.ociLayerGzip : c === "zstd" ? MediaType.ociLayerZstd : MediaType.ociLayer;
}

/** The Docker schema2 layer media type for a compression (Docker has no zstd type; OCI's is used). */
export function dockerLayerType(c: Compression): string {
  return c === "gzip" ? MediaType.dockerLayerGzip : c === "zstd" ? MediaType.ociLayerZstd : MediaType.dockerLayer;
}
