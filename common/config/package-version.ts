import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findUp } from './find-up.js';

/**
 * sensorwatch's version, from the nearest package.json above this module. Walking up works both from
 * the sources (run with tsx) and from the compiled dist/ in the container image.
 */
export function packageVersion(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  const file = findUp('package.json', from);
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : '0.0.0-unknown';
}
