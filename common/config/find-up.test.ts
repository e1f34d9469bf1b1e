import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findUp } from './find-up.js';

describe('findUp', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'find-up-'));
  mkdirSync(path.join(root, 'config'));
  writeFileSync(path.join(root, 'config', 'profiles.yaml'), 'profiles: {}\n');
  const deep = path.join(root, 'dist', 'common', 'reading');
  mkdirSync(deep, { recursive: true });

  it('finds the file from a folder any depth below it, as compiled modules are', () => {
    expect(findUp('config/profiles.yaml', deep)).toBe(path.join(root, 'config', 'profiles.yaml'));
    expect(findUp('config/profiles.yaml', root)).toBe(path.join(root, 'config', 'profiles.yaml'));
  });

  it('says when no folder above holds it', () => {
    expect(findUp('config/no-such-file-a8c1.yaml', deep)).toBeUndefined();
  });
});
