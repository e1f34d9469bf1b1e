import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The house rule, checked: services import packages; packages never import services; services never import
 * each other. Tests of a package may use the simulator (itself a package); tools (stack, bench, test,
 * grafana) may import anything.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const SERVICES = ['producer', 'detector', 'exporter', 'forecasting', 'importer'];
const PACKAGES = ['common', 'scoring', 'storage', 'training', 'simulation'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** Top-level folder → the top-level folders its files import from, with the importing files. */
function importsBetweenFolders(): { from: string; to: string; file: string }[] {
  const found: { from: string; to: string; file: string }[] = [];
  for (const folder of [...SERVICES, ...PACKAGES]) {
    for (const file of sourceFiles(path.join(ROOT, folder))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = path.relative(ROOT, path.resolve(path.dirname(file), match[1] as string));
        const to = target.split(path.sep)[0] as string;
        if (to !== folder) found.push({ from: folder, to, file: path.relative(ROOT, file) });
      }
    }
  }
  return found;
}

describe('layout', () => {
  const imports = importsBetweenFolders();

  it('no service imports another service', () => {
    const crossing = imports.filter((i) => SERVICES.includes(i.from) && SERVICES.includes(i.to));
    expect(crossing).toEqual([]);
  });

  it('no package imports a service or a tool', () => {
    const upward = imports.filter((i) => PACKAGES.includes(i.from) && !PACKAGES.includes(i.to));
    expect(upward).toEqual([]);
  });

  it('finds the imports it checks (the scan itself works)', () => {
    expect(imports.some((i) => i.from === 'detector' && i.to === 'scoring')).toBe(true);
  });
});
