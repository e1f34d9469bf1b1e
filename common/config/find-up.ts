import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The nearest `relative` (a file path such as `config/profiles.yaml`) in `from` or a folder above it, or
 * undefined. Modules find the repository's files this way both from the sources (run with tsx) and from
 * the compiled dist/ (the image, the native stack), where the same module sits one folder deeper.
 */
export function findUp(relative: string, from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, relative);
    if (existsSync(file)) return file;
    if (path.dirname(dir) === dir) return undefined;
  }
}
