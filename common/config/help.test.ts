import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeConfig, envKey } from './env.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('describeConfig', () => {
  it('gives each key its variable, its default or that it is required, and its documentation', () => {
    const lines = describeConfig({
      port: envKey('X_PORT', z.coerce.number().default(8080), 'Where it listens.'),
      secret: envKey('X_SECRET', z.string().min(8), 'A secret.'),
      hosts: envKey('X_HOSTS', z.array(z.string()).default(['a:1', 'b:2']), 'Hosts.'),
      token: envKey('X_TOKEN', z.string().optional(), 'Off without it.'),
    });
    expect(lines).toEqual([
      '  X_PORT (default 8080)\n      Where it listens.',
      '  X_SECRET (required)\n      A secret.',
      '  X_HOSTS (default a:1,b:2)\n      Hosts.',
      '  X_TOKEN (unset)\n      Off without it.',
    ]);
  });
});

describe('--help', () => {
  // Each service and tool, with a key only it (or its kind) has: the help is its own, not a generic one.
  it.each([
    ['producer/main.ts', 'PRODUCER_STATIONS'],
    ['detector/main.ts', 'DETECTOR_WARNING_Z'],
    ['exporter/main.ts', 'EXPORTER_PORT'],
    ['forecasting/cli.ts', 'MODEL_REGISTRY'],
    ['importer/cli.ts', 'CASSANDRA_CONTACT_POINTS'],
    ['detector/train.ts', 'DETECTOR_WINDOW'],
    ['detector/models-cli.ts', 'MODEL_REGISTRY'],
  ])(
    '%s answers with its keys and exits 0, needing no configuration',
    async (entry, key) => {
      // execFile rejects on a non-zero exit, so resolving is the exit code 0.
      const run = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, entry), '--help'],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '' },
          timeout: 100_000,
        },
      );
      expect(run.stdout).toContain('Configuration (environment variables):');
      expect(run.stdout).toMatch(new RegExp(`^  ${key} \\((default|required|unset)`, 'm'));
    },
    // Each loads every module of its program through tsx: seconds, more on a loaded machine.
    120_000,
  );
});
