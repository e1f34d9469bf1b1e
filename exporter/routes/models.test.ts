import { describe, expect, it } from 'vitest';
import { newVersionId } from '../../scoring/model-bundle.js';
import { profileOfVersion } from './models.js';

describe('profileOfVersion', () => {
  it('finds the profile of every version id the trainer makes, and nothing for others', () => {
    for (const profile of ['factory', 'household_power', 'power_plant']) {
      expect(profileOfVersion(newVersionId(profile, Date.UTC(2026, 10, 23)))).toBe(profile);
    }
    expect(profileOfVersion('spaceship-20261123000000-abcd')).toBeUndefined();
    expect(profileOfVersion('factory-2026-abcd')).toBeUndefined();
  });
});
