import { describe, expect, it } from 'vitest';
import { appliesToDate, rateStanding } from '../../../lib/convert/standing.js';

describe('appliesToDate: the rate the kind rule gives for the date', () => {
  it('fix: the FIX of the last banking day on or before D, or of the previous banking day (before 12:00)', () => {
    expect(appliesToDate('fix', '2020-11-27', '2020-11-27')).toBe(true);
    expect(appliesToDate('fix', '2020-11-26', '2020-11-27')).toBe(true);
    expect(appliesToDate('fix', '2020-11-25', '2020-11-27')).toBe(false);
    // Saturday 14 Nov 2020: Friday 13's FIX; Monday 16 Nov 2020 is a bank holiday.
    expect(appliesToDate('fix', '2020-11-13', '2020-11-14')).toBe(true);
    expect(appliesToDate('fix', '2020-11-13', '2020-11-17')).toBe(true);
    expect(appliesToDate('fix', '2020-11-27', '2026-11-29')).toBe(false);
  });

  it("dof: D's publication, or the last banking day's on a day without one", () => {
    expect(appliesToDate('dof', '2020-11-27', '2020-11-27')).toBe(true);
    expect(appliesToDate('dof', '2020-11-27', '2020-11-29')).toBe(true);
    expect(appliesToDate('dof', '2020-11-26', '2020-11-27')).toBe(false);
    expect(appliesToDate('dof', '2020-11-13', '2026-11-29')).toBe(false);
  });

  it("para_pagos: D's own row", () => {
    expect(appliesToDate('para_pagos', '2020-11-15', '2020-11-15')).toBe(true);
    expect(appliesToDate('para_pagos', '2020-11-13', '2020-11-15')).toBe(false);
  });

  it('fiscal: the DOF publication of the previous banking day (CFF art. 20)', () => {
    expect(appliesToDate('fiscal', '2020-11-27', '2020-11-30')).toBe(true);
    expect(appliesToDate('fiscal', '2020-11-13', '2020-11-15')).toBe(true);
    expect(appliesToDate('fiscal', '2020-11-30', '2020-11-30')).toBe(false);
    expect(appliesToDate('fiscal', '2020-11-13', '2026-11-29')).toBe(false);
  });

  it('market: Fixer dated D or D-1', () => {
    expect(appliesToDate('market', '2020-11-27', '2020-11-27')).toBe(true);
    expect(appliesToDate('market', '2020-11-26', '2020-11-27')).toBe(true);
    expect(appliesToDate('market', '2020-11-25', '2020-11-27')).toBe(false);
  });
});

describe('rateStanding', () => {
  it('has no warning for a current rate that applies', () => {
    expect(rateStanding('fix', '2020-11-27', '2020-11-27', false)).toEqual({
      stale: false,
      applies_to_date: true,
    });
  });

  it("warns with the rate's date and the answer's date when the rate does not apply", () => {
    expect(rateStanding('fiscal', '2020-11-13', '2026-11-29', true)).toEqual({
      stale: true,
      applies_to_date: false,
      warning: 'The rate used is from 2020-11-13; the rate that applies on 2026-11-29 is not available',
    });
  });

  it('warns when the rate applies but is served stale', () => {
    expect(rateStanding('market', '2020-11-27', '2020-11-28', true)).toEqual({
      stale: true,
      applies_to_date: true,
      warning: 'The rate used (2020-11-27) is served stale: its source could not be refreshed',
    });
  });
});
