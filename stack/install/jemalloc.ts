/** Debian's package of the detector's allocator (see `detectorLaunchEnv` in services/pipeline.ts). */
export const JEMALLOC_PACKAGE = 'libjemalloc2';

/** Debian's multiarch folder for Node's names of the architectures the stack runs on. */
const MULTIARCH: Readonly<Record<string, string>> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

/** Where libjemalloc2 puts its library on this machine's architecture, whether installed or not. */
export function jemallocLibraryPath(arch: string = process.arch): string {
  const folder = MULTIARCH[arch];
  if (!folder) throw new Error(`jemalloc: no Debian multiarch folder known for architecture ${arch}`);
  return `/usr/lib/${folder}/libjemalloc.so.2`;
}
