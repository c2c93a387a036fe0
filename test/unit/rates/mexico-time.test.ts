import { describe, expect, it } from 'vitest';
import {
  addDays,
  isIsoDate,
  mexicoCityDate,
  mexicoCityInstant,
  mexicoCityParts,
  parseDdMmYyyy,
} from '../../../lib/core/mexico-time.js';

describe('mexicoCityInstant', () => {
  it.each([
    ['2020-06-15', 0, 0, '2020-06-15T05:00:00.000Z'], // summer time (UTC-5) still existed in 2020
    ['2020-11-13', 0, 0, '2020-11-13T06:00:00.000Z'],
    ['2024-06-15', 0, 0, '2024-06-15T06:00:00.000Z'], // no summer time since 30 Oct 2022
    ['2020-11-27', 12, 0, '2020-11-27T18:00:00.000Z'],
    ['2022-10-29', 23, 59, '2022-10-30T04:59:00.000Z'], // last evening on UTC-5
    ['2022-10-31', 0, 0, '2022-10-31T06:00:00.000Z'],
  ])('maps %s %i:%i Mexico City to %s', (date, hour, minute, expected) => {
    // Act
    const instant = mexicoCityInstant(date, hour, minute);

    // Assess
    expect(instant.toISOString()).toBe(expected);
  });

  it('resolves a wall time repeated by the autumn change to its first occurrence', () => {
    // Act: clocks went from 02:00 CDT back to 01:00 CST on 2021-10-31.
    const instant = mexicoCityInstant('2021-10-31', 1, 30);

    // Assess
    expect(instant.toISOString()).toBe('2021-10-31T06:30:00.000Z');
  });

  it('moves a wall time skipped by the spring change one hour later', () => {
    // Act: clocks jumped from 02:00 CST to 03:00 CDT on 2021-04-04.
    const instant = mexicoCityInstant('2021-04-04', 2, 30);

    // Assess
    expect(instant.toISOString()).toBe('2021-04-04T08:30:00.000Z');
    expect(mexicoCityParts(instant)).toMatchObject({ hour: 3, minute: 30 });
  });

  it.each([
    ['2020-02-30', 0],
    ['2020-1-01', 0],
    ['2020-01-01', 24],
    ['2020-01-01', 1.5],
  ])('rejects %s at hour %s', (date, hour) => {
    // Act / Assess
    expect(() => mexicoCityInstant(date, hour)).toThrow(RangeError);
  });
});

describe('mexicoCityDate', () => {
  it('gives the previous Mexican day for an instant just after UTC midnight', () => {
    // Act
    const date = mexicoCityDate(new Date('2020-11-28T05:59:59Z'));

    // Assess
    expect(date).toBe('2020-11-27');
  });

  it('gives the same day once Mexico City reaches midnight', () => {
    // Act
    const date = mexicoCityDate(new Date('2020-11-28T06:00:00Z'));

    // Assess
    expect(date).toBe('2020-11-28');
  });
});

describe('mexicoCityParts', () => {
  it('returns date, hour, minute and weekday on the Mexico City clock', () => {
    // Act: Fixer's documented timestamp 1606521599.
    const parts = mexicoCityParts(new Date(1606521599 * 1000));

    // Assess
    expect(parts).toEqual({ date: '2020-11-27', hour: 17, minute: 59, weekday: 5 });
  });

  it('reports midnight as hour 0 and Sunday as weekday 0', () => {
    // Act
    const parts = mexicoCityParts(new Date('2020-11-15T06:00:00Z'));

    // Assess
    expect(parts).toEqual({ date: '2020-11-15', hour: 0, minute: 0, weekday: 0 });
  });
});

describe('parseDdMmYyyy', () => {
  it.each([
    ['13/11/2020', '2020-11-13'],
    ['29/02/2020', '2020-02-29'],
    ['01/01/1999', '1999-01-01'],
  ])('reads %s as %s', (text, expected) => {
    // Act / Assess
    expect(parseDdMmYyyy(text)).toBe(expected);
  });

  it.each([
    '31/02/2020',
    '29/02/2021',
    '00/01/2020',
    '13/13/2020',
    '1/11/2020',
    '13-11-2020',
    ' 13/11/2020',
    '',
  ])('rejects %j', (text) => {
    // Act / Assess
    expect(parseDdMmYyyy(text)).toBeUndefined();
  });
});

describe('addDays and isIsoDate', () => {
  it('steps across month and year ends', () => {
    // Act / Assess
    expect(addDays('2020-03-01', -1)).toBe('2020-02-29');
    expect(addDays('2020-12-31', 1)).toBe('2021-01-01');
  });

  it('accepts only real YYYY-MM-DD dates', () => {
    // Act / Assess
    expect(isIsoDate('2020-11-27')).toBe(true);
    expect(isIsoDate('2020-11-31')).toBe(false);
    expect(isIsoDate('27/11/2020')).toBe(false);
  });
});
