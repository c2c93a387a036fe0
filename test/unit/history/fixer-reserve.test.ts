import { describe, expect, it } from 'vitest';
import {
  datedFixerCallAllowed,
  datedFixerCallLimit,
  liveFixerReserve,
} from '../../../lib/history/fixer-reserve.js';

const HOUR = 3_600_000;
const EIGHT_HOURS = 8 * HOUR;

describe('liveFixerReserve', () => {
  it('keeps ceil(ms left in the UTC month / interval) + 1 calls for the live refresh', () => {
    // January has 31 days: 744 h at 00:00 on the 1st.
    expect(liveFixerReserve(Date.parse('2026-01-01T00:00:00Z'), EIGHT_HOURS)).toBe(94);
    // Day 1 at 12:00: 732 h left → ceil(91.5) + 1.
    expect(liveFixerReserve(Date.parse('2026-01-01T12:00:00Z'), EIGHT_HOURS)).toBe(93);
    // One ms into the month still needs the 93rd interval.
    expect(liveFixerReserve(Date.parse('2026-01-01T00:00:00.001Z'), EIGHT_HOURS)).toBe(94);
    // The last 8 h of the month: one interval plus one.
    expect(liveFixerReserve(Date.parse('2026-01-31T16:00:00Z'), EIGHT_HOURS)).toBe(2);
    expect(liveFixerReserve(Date.parse('2026-01-31T23:59:59Z'), EIGHT_HOURS)).toBe(2);
    // February 2026 has 28 days: 672 h / 8 h + 1.
    expect(liveFixerReserve(Date.parse('2026-02-01T00:00:00Z'), EIGHT_HOURS)).toBe(85);
    // December rolls over to January of the next year: 24 h left.
    expect(liveFixerReserve(Date.parse('2026-12-31T00:00:00Z'), EIGHT_HOURS)).toBe(4);
    // A 1 h interval on the 30th of November at 18:00: 6 h left.
    expect(liveFixerReserve(Date.parse('2026-11-30T18:00:00Z'), HOUR)).toBe(7);
  });

  it('refuses an interval that is not positive', () => {
    expect(() => liveFixerReserve(0, 0)).toThrow(RangeError);
  });
});

describe('datedFixerCallLimit / datedFixerCallAllowed', () => {
  it('lets dated calls spend only what the live refresh will not need', () => {
    const day1 = Date.parse('2026-01-01T12:00:00Z'); // 93 reserved
    expect(datedFixerCallLimit(100, day1, EIGHT_HOURS)).toBe(7);
    expect(datedFixerCallAllowed(0, 100, day1, EIGHT_HOURS)).toBe(true);
    expect(datedFixerCallAllowed(6, 100, day1, EIGHT_HOURS)).toBe(true); // 6 + 93 = 99 < 100
    expect(datedFixerCallAllowed(7, 100, day1, EIGHT_HOURS)).toBe(false); // 7 + 93 = 100
    // Late in the month the reserve shrinks: 2 reserved on the 31st at 16:00.
    const last = Date.parse('2026-01-31T16:00:00Z');
    expect(datedFixerCallLimit(100, last, EIGHT_HOURS)).toBe(98);
    expect(datedFixerCallAllowed(97, 100, last, EIGHT_HOURS)).toBe(true);
    expect(datedFixerCallAllowed(98, 100, last, EIGHT_HOURS)).toBe(false);
  });

  it('allows no dated call when the reserve is the whole budget or more', () => {
    const day1 = Date.parse('2026-01-01T00:00:00Z'); // 94 reserved
    expect(datedFixerCallLimit(94, day1, EIGHT_HOURS)).toBe(0);
    expect(datedFixerCallLimit(10, day1, EIGHT_HOURS)).toBe(0);
    expect(datedFixerCallAllowed(0, 94, day1, EIGHT_HOURS)).toBe(false);
  });
});
