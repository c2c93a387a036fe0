import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config.js';
import { type FreshnessPolicy, freshnessFor, secondsUntil } from '../../../lib/rates/freshness.js';
import { ratePolicyFrom } from '../../../lib/rates/rate-policy.js';

const policy: FreshnessPolicy = { fixerMinIntervalMs: 8 * 3_600_000, retryLateMs: 15 * 60_000 };

function at(iso: string): number {
  return Date.parse(iso);
}

function iso(instant: number): string {
  return new Date(instant).toISOString();
}

describe('freshnessFor banxico (FIX)', () => {
  it("keeps yesterday's FIX fresh until today's 12:00 on a weekday morning", () => {
    // Prepare: Wed 2026-11-25 09:00 Mexico City (UTC-6), FIX dated Tue 2026-11-24.
    const input = { dataDate: '2026-11-24', fetchedAt: at('2026-11-25T15:00:00Z') };

    // Act
    const freshness = freshnessFor('banxico', input, policy);

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2026-11-25T18:00:00.000Z');
    expect(iso(freshness.nextExpectedUpdate)).toBe('2026-11-25T18:00:00.000Z');
  });

  it("keeps today's FIX fresh until the next banking day's 12:00 on a weekday afternoon", () => {
    // Prepare: Wed 2026-11-25 13:00 Mexico City, FIX dated that same day.
    const input = { dataDate: '2026-11-25', fetchedAt: at('2026-11-25T19:00:00Z') };

    // Act
    const freshness = freshnessFor('banxico', input, policy);

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2026-11-26T18:00:00.000Z');
    expect(iso(freshness.nextExpectedUpdate)).toBe('2026-11-26T18:00:00.000Z');
  });

  it("keeps Friday's FIX fresh through the weekend until Monday 12:00", () => {
    // Prepare: Sat 2026-11-28 10:00 Mexico City, FIX dated Fri 2026-11-27.
    const input = { dataDate: '2026-11-27', fetchedAt: at('2026-11-28T16:00:00Z') };

    // Act
    const freshness = freshnessFor('banxico', input, policy);

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2026-11-30T18:00:00.000Z');
  });

  it('skips a holiday Monday and expects the next FIX on Tuesday 12:00', () => {
    // Prepare: Sat 2026-11-14, FIX dated Fri 2026-11-13; Mon 2026-11-16 is Revolution Day.
    const input = { dataDate: '2026-11-13', fetchedAt: at('2026-11-14T16:00:00Z') };

    // Act
    const freshness = freshnessFor('banxico', input, policy);

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2026-11-17T18:00:00.000Z');
    expect(iso(freshness.nextExpectedUpdate)).toBe('2026-11-17T18:00:00.000Z');
  });

  it('retries after retryLateMs when the expected FIX has not appeared by 12:30', () => {
    // Prepare: Thu 2026-11-26 12:30 Mexico City and the newest FIX is still Wednesday's.
    const input = { dataDate: '2026-11-25', fetchedAt: at('2026-11-26T18:30:00Z') };

    // Act
    const freshness = freshnessFor('banxico', input, policy);

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2026-11-26T18:45:00.000Z');
    expect(iso(freshness.nextExpectedUpdate)).toBe('2026-11-26T18:00:00.000Z');
  });

  it('applies the late rule from the very instant of the expected publication', () => {
    // Prepare: exactly 12:00 Mexico City on Thu 2026-11-26.
    const input = { dataDate: '2026-11-25', fetchedAt: at('2026-11-26T18:00:00Z') };

    // Act
    const freshness = freshnessFor('banxico', input, policy);

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2026-11-26T18:15:00.000Z');
  });

  it('waits until the expected publication one millisecond before it', () => {
    // Prepare
    const input = { dataDate: '2026-11-25', fetchedAt: at('2026-11-26T17:59:59.999Z') };

    // Act
    const freshness = freshnessFor('banxico', input, policy);

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2026-11-26T18:00:00.000Z');
  });

  it('retries soon when an older FIX is all the source has (a holiday we did not know)', () => {
    // Prepare: Wed 2026-11-25 15:00 Mexico City, yet the newest FIX is Monday's.
    const input = { dataDate: '2026-11-23', fetchedAt: at('2026-11-25T21:00:00Z') };

    // Act
    const freshness = freshnessFor('banxico', input, policy);

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2026-11-25T21:15:00.000Z');
    expect(iso(freshness.nextExpectedUpdate)).toBe('2026-11-24T18:00:00.000Z');
  });

  it('uses summer time (UTC-5) for 12:00 Mexico City before October 2022', () => {
    // Prepare: Sat 2020-06-13, FIX dated Fri 2020-06-12.
    const input = { dataDate: '2020-06-12', fetchedAt: at('2020-06-13T16:00:00Z') };

    // Act
    const freshness = freshnessFor('banxico', input, policy);

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2020-06-15T17:00:00.000Z');
  });

  it('uses UTC-6 for 12:00 Mexico City in June once summer time is gone', () => {
    // Prepare: Fri 2024-06-14 08:00 Mexico City, FIX dated Thu 2024-06-13.
    const input = { dataDate: '2024-06-13', fetchedAt: at('2024-06-14T14:00:00Z') };

    // Act
    const freshness = freshnessFor('banxico', input, policy);

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2024-06-14T18:00:00.000Z');
  });
});

describe('freshnessFor dof', () => {
  it("keeps today's row fresh until Mexico City midnight at 23:59", () => {
    // Prepare: 2026-11-25 23:59 Mexico City, newest row dated 2026-11-25.
    const input = { dataDate: '2026-11-25', fetchedAt: at('2026-11-26T05:59:00Z') };

    // Act
    const freshness = freshnessFor('dof', input, policy);

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2026-11-26T06:00:00.000Z');
    expect(iso(freshness.nextExpectedUpdate)).toBe('2026-11-26T06:00:00.000Z');
  });

  it("retries after retryLateMs at 00:01 when yesterday's row is still the newest", () => {
    // Prepare: 2026-11-26 00:01 Mexico City, newest row still 2026-11-25.
    const input = { dataDate: '2026-11-25', fetchedAt: at('2026-11-26T06:01:00Z') };

    // Act
    const freshness = freshnessFor('dof', input, policy);

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2026-11-26T06:16:00.000Z');
    expect(iso(freshness.nextExpectedUpdate)).toBe('2026-11-26T06:00:00.000Z');
  });

  it("keeps the new day's row fresh until the following midnight at 00:01", () => {
    // Prepare: 2026-11-26 00:01 Mexico City, newest row 2026-11-26.
    const input = { dataDate: '2026-11-26', fetchedAt: at('2026-11-26T06:01:00Z') };

    // Act
    const freshness = freshnessFor('dof', input, policy);

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2026-11-27T06:00:00.000Z');
  });

  it('expects a new row on a Saturday too, because the page has one row per calendar day', () => {
    // Prepare: Fri 2026-11-27 20:00 Mexico City.
    const input = { dataDate: '2026-11-27', fetchedAt: at('2026-11-28T02:00:00Z') };

    // Act
    const freshness = freshnessFor('dof', input, policy);

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2026-11-28T06:00:00.000Z');
  });

  it('uses summer time (UTC-5) for Mexico City midnight before October 2022', () => {
    // Prepare: 2020-06-15 10:00 Mexico City (UTC-5).
    const input = { dataDate: '2020-06-15', fetchedAt: at('2020-06-15T15:00:00Z') };

    // Act
    const freshness = freshnessFor('dof', input, policy);

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2020-06-16T05:00:00.000Z');
  });
});

describe('freshnessFor fixer', () => {
  it('keeps a Fixer value fresh for the minimum interval and expects the next call then', () => {
    // Prepare
    const input = { dataDate: '2026-11-25', fetchedAt: at('2026-11-25T15:00:00Z') };

    // Act
    const freshness = freshnessFor('fixer', input, policy);

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2026-11-25T23:00:00.000Z');
    expect(iso(freshness.nextExpectedUpdate)).toBe('2026-11-25T23:00:00.000Z');
  });

  it('ignores the data date, so an old Fixer date never causes extra calls', () => {
    // Prepare
    const input = { dataDate: '2020-11-27', fetchedAt: at('2026-11-25T15:00:00Z') };

    // Act
    const freshness = freshnessFor('fixer', input, ratePolicyFrom(loadConfig({})));

    // Assess
    expect(iso(freshness.freshUntil)).toBe('2026-11-25T23:00:00.000Z');
  });

  it('calls Fixer 93 times in a 31-day month with the default configuration, under the free 100', () => {
    // Prepare: the policy the deployed service builds from an empty environment.
    const deployed = ratePolicyFrom(loadConfig({}));
    const monthStart = at('2026-12-01T06:00:00Z');
    const monthEnd = at('2027-01-01T06:00:00Z');

    // Act: a refresh each time the last value stops being fresh, all month long.
    let calls = 0;
    for (let now = monthStart; now < monthEnd; calls += 1) {
      now = freshnessFor('fixer', { dataDate: '2026-12-01', fetchedAt: now }, deployed).freshUntil;
    }

    // Assess: 31 × 24 h / 8 h (README: FIXER_MIN_INTERVAL_S), 7 calls left for retries.
    expect(calls).toBe(93);
  });
});

describe('freshnessFor input checks', () => {
  it.each([
    ['banxico', '2026-02-30'],
    ['dof', '25/11/2026'],
  ] as const)('rejects the malformed %s data date %s', (source, dataDate) => {
    // Act / Assess
    expect(() => freshnessFor(source, { dataDate, fetchedAt: 0 }, policy)).toThrow(RangeError);
  });

  it('rejects a fetch time that is not a finite instant', () => {
    // Act / Assess
    expect(() => freshnessFor('fixer', { dataDate: '2026-11-25', fetchedAt: Number.NaN }, policy)).toThrow(
      RangeError,
    );
  });
});

describe('secondsUntil', () => {
  it.each([
    [10_000, 0, 10],
    [10_001, 0, 11],
    [1, 0, 1],
    [0, 0, 0],
    [0, 5_000, 0],
  ])('gives %i ms from %i ms as %i s', (instant, now, expected) => {
    // Act / Assess
    expect(secondsUntil(instant, now)).toBe(expected);
  });
});
