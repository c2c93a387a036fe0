import { describe, expect, it } from 'vitest';
import {
  addDays,
  easterSunday,
  isBankingDay,
  nextBankingDay,
  previousBankingDay,
} from '../../../lib/core/banking-calendar.js';

describe('easterSunday', () => {
  it.each([
    [2019, '2019-04-21'],
    [2020, '2020-04-12'],
    [2021, '2021-04-04'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2038, '2038-04-25'], // latest possible date
    [2285, '2285-03-22'], // earliest possible date
  ])('puts Easter %i on %s', (year, expected) => {
    // Act
    const easter = easterSunday(year);

    // Assess
    expect(easter).toBe(expected);
  });
});

describe('isBankingDay', () => {
  it.each([
    ['2020-01-01', 'New Year'],
    ['2020-02-03', 'first Monday of February'],
    ['2020-03-16', 'third Monday of March'],
    ['2020-04-09', 'Holy Thursday'],
    ['2020-04-10', 'Good Friday'],
    ['2020-05-01', 'Labour Day'],
    ['2020-09-16', 'Independence Day'],
    ['2020-11-02', 'Day of the Dead'],
    ['2020-11-16', 'third Monday of November'],
    ['2020-12-25', 'Christmas'],
    ['2024-03-28', 'Holy Thursday'],
    ['2024-03-29', 'Good Friday'],
    ['2024-10-01', 'presidential inauguration'],
    ['2024-12-12', 'Our Lady of Guadalupe'],
    ['2030-10-01', 'presidential inauguration'],
  ])('treats %s (%s) as a bank holiday', (date) => {
    // Act
    const banking = isBankingDay(date);

    // Assess
    expect(banking).toBe(false);
  });

  it('does not move a holiday that falls on a Sunday to the Monday', () => {
    // Prepare: Dec 12 2021 is a Sunday.
    const monday = '2021-12-13';

    // Act
    const banking = isBankingDay(monday);

    // Assess
    expect(banking).toBe(true);
  });

  it.each(['2020-11-14', '2020-11-15', '2020-12-12', '2026-11-28', '2026-11-29'])(
    'treats the weekend day %s as a non-banking day',
    (date) => {
      // Act / Assess
      expect(isBankingDay(date)).toBe(false);
    },
  );

  it.each(['2020-11-13', '2020-11-17', '2020-04-08', '2020-04-13', '2020-02-04', '2026-11-25'])(
    'treats the ordinary weekday %s as a banking day',
    (date) => {
      // Act / Assess
      expect(isBankingDay(date)).toBe(true);
    },
  );

  it.each(['2018-10-01', '2023-10-02', '2025-10-01', '2029-10-01'])(
    'keeps Oct 1 outside inauguration years as a banking day (%s)',
    (date) => {
      // Act / Assess
      expect(isBankingDay(date)).toBe(true);
    },
  );

  it.each(['2020-02-30', '2020-1-01', '13/11/2020', ''])('rejects the malformed date %j', (date) => {
    // Act / Assess
    expect(() => isBankingDay(date)).toThrow(RangeError);
  });
});

describe('previousBankingDay', () => {
  it.each([
    ['2020-11-12', '2020-11-11', 'an ordinary weekday'],
    ['2020-11-16', '2020-11-13', 'a weekend'],
    ['2020-11-17', '2020-11-13', 'a holiday Monday and a weekend'],
    ['2020-11-15', '2020-11-13', 'a Sunday itself'],
    ['2020-04-13', '2020-04-08', 'Holy Thursday, Good Friday and a weekend'],
    ['2021-01-04', '2020-12-31', 'New Year and a year boundary'],
    ['2024-10-02', '2024-09-30', 'the inauguration day'],
  ])('goes from %s back to %s across %s', (date, expected) => {
    // Act
    const previous = previousBankingDay(date);

    // Assess
    expect(previous).toBe(expected);
  });
});

describe('nextBankingDay', () => {
  it.each([
    ['2026-11-24', '2026-11-25', 'an ordinary weekday'],
    ['2026-11-27', '2026-11-30', 'a weekend'],
    ['2020-11-13', '2020-11-17', 'a weekend and a holiday Monday'],
    ['2020-11-14', '2020-11-17', 'a Saturday itself'],
    ['2020-04-08', '2020-04-13', 'Holy Thursday, Good Friday and a weekend'],
    ['2020-12-31', '2021-01-04', 'New Year and a year boundary'],
    ['2024-09-30', '2024-10-02', 'the inauguration day'],
  ])('goes from %s forward to %s across %s', (date, expected) => {
    // Act
    const next = nextBankingDay(date);

    // Assess
    expect(next).toBe(expected);
  });
});

describe('addDays', () => {
  it.each([
    ['2020-02-28', 1, '2020-02-29'],
    ['2020-03-01', -1, '2020-02-29'],
    ['2020-12-31', 1, '2021-01-01'],
    ['2020-11-13', 0, '2020-11-13'],
  ])('moves %s by %i days to %s', (date, days, expected) => {
    // Act / Assess
    expect(addDays(date, days)).toBe(expected);
  });
});
