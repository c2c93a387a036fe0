import { describe, expect, it } from 'vitest';
import {
  generateApiKey,
  generateClientId,
  generateClientSecret,
  startsSafelyOnCommandLine,
} from '../../../lib/auth/credentials.js';

// Without the rule, 2 in 64 base64url secrets start with `-` or `_`: over 5,000 draws
// the chance that none does is (62/64)^5000 ≈ 1e-69.
const DRAWS = 5000;

describe('generated credentials', () => {
  it('never start with a character a command line reads as an option', () => {
    const generators = { generateClientId, generateClientSecret, generateApiKey };
    for (const [name, generate] of Object.entries(generators)) {
      const unsafe = Array.from({ length: DRAWS }, generate).filter((value) => !/^[A-Za-z0-9]/.test(value));
      expect(unsafe, name).toEqual([]);
    }
  });

  it('keep a secret 43 base64url characters long (256 bits)', () => {
    expect(generateClientSecret()).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{42}$/);
  });

  it('judge the first character only', () => {
    expect(startsSafelyOnCommandLine('-6aLjPyo')).toBe(false);
    expect(startsSafelyOnCommandLine('_x')).toBe(false);
    expect(startsSafelyOnCommandLine('')).toBe(false);
    expect(startsSafelyOnCommandLine('6aL-_')).toBe(true);
  });
});
