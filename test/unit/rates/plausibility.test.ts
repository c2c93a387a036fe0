import { describe, expect, it } from 'vitest';
import { assertPlausibleRate, roundHalfUp } from '../../../lib/core/plausibility.js';
import { ProviderError } from '../../../lib/core/provider-error.js';

describe('assertPlausibleRate', () => {
  it.each([5, 20.5303, 60])('returns %s unchanged', (value) => {
    // Act / Assess
    expect(assertPlausibleRate(value, 'test')).toBe(value);
  });

  it.each([0, -20.5303, 4.9999, 60.0001, 2000, 0.0487, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects %s as invalid_value',
    (value) => {
      // Act
      let caught: unknown;
      try {
        assertPlausibleRate(value, 'DOF value');
      } catch (error) {
        caught = error;
      }

      // Assess
      expect(caught).toBeInstanceOf(ProviderError);
      expect(caught).toMatchObject({ code: 'invalid_value' });
      expect(String(caught)).toContain('DOF value');
    },
  );
});

describe('roundHalfUp', () => {
  it.each([
    [1.00005, 4, 1.0001],
    [1.00004, 4, 1],
    [1.005, 2, 1.01], // toFixed(2) gives 1.00: 1.005 is stored as 1.00499…
    [20.07525083612, 4, 20.0753],
    [24.01 / 1.196, 4, 20.0753],
    [20.5303, 4, 20.5303],
    [2.5, 0, 3],
    [-1.00005, 4, -1.0001],
    [1e-7, 4, 0],
    [123456.78905, 4, 123456.7891],
  ])('rounds %s to %i decimals as %s', (value, decimals, expected) => {
    // Act / Assess
    expect(roundHalfUp(value, decimals)).toBe(expected);
  });

  it('rejects non-finite values and bad decimal counts', () => {
    // Act / Assess
    expect(() => roundHalfUp(Number.NaN, 4)).toThrow(RangeError);
    expect(() => roundHalfUp(1, -1)).toThrow(RangeError);
    expect(() => roundHalfUp(1, 1.5)).toThrow(RangeError);
  });
});
