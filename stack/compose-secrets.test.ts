import { describe, expect, it } from 'vitest';
import { COMPOSE_SECRETS, missingSecretLines, namesIn } from './compose-secrets.js';

describe('compose secrets (.env)', () => {
  it('makes a distinct random value for every secret of an empty .env', () => {
    const lines = missingSecretLines('');
    expect([...namesIn(lines.join('\n'))]).toEqual([...COMPOSE_SECRETS]);
    const values = lines.map((line) => line.split('=')[1]);
    expect(new Set(values).size).toBe(values.length);
    for (const value of values) expect(value).toMatch(/^[0-9a-f]{48}$/);
  });

  it('keeps the secrets a .env already has and adds only the missing ones', () => {
    const lines = missingSecretLines('# mine\nGRAFANA_ADMIN_PASSWORD=chosen-by-me\nPRODUCER_STATIONS=5\n');
    const added = [...namesIn(lines.join('\n'))];
    expect(added).not.toContain('GRAFANA_ADMIN_PASSWORD');
    expect(added).toHaveLength(COMPOSE_SECRETS.length - 1);
    expect(missingSecretLines(`${COMPOSE_SECRETS.map((n) => `${n}=x`).join('\n')}\n`)).toEqual([]);
  });
});
