import { describe, expect, it } from 'vitest';
import {
  type ChunkMarker,
  chunkFetchRange,
  finalThroughAfterFetch,
  knownFinalThrough,
  sliceFinalThrough,
  yearSpans,
} from '../../../lib/history/chunks.js';
import { FIX_FIRST_DATE, FIXER_FIRST_DATE } from '../../../lib/history/coverage.js';

const marker = (finalThrough: string): ChunkMarker => ({ finalThrough, fetchedAt: 1, checkedAt: 1 });

describe('year chunks', () => {
  it('cuts a 366-day range into at most two calendar years', () => {
    expect(yearSpans('2023-07-01', '2024-06-30')).toEqual([
      { year: 2023, from: '2023-07-01', to: '2023-12-31' },
      { year: 2024, from: '2024-01-01', to: '2024-06-30' },
    ]);
    expect(yearSpans('2024-01-01', '2024-12-31')).toHaveLength(1);
    expect(yearSpans('2020-11-27', '2020-11-27')).toEqual([
      { year: 2020, from: '2020-11-27', to: '2020-11-27' },
    ]);
  });

  it('fetches a whole past year in one call, whatever part of it is read', () => {
    expect(
      chunkFetchRange({ year: 2020, from: '2020-11-27', to: '2020-11-27' }, undefined, '2026-11-29', false),
    ).toEqual({
      from: '2020-01-01',
      to: '2020-12-31',
    });
  });

  it('fetches the current year through today only, and later only its tail', () => {
    const span = { year: 2026, from: '2026-11-20', to: '2026-11-26' };

    expect(chunkFetchRange(span, undefined, '2026-11-26', false)).toEqual({
      from: '2026-01-01',
      to: '2026-11-26',
    });
    expect(chunkFetchRange(span, marker('2026-11-25'), '2026-11-27', false)).toEqual({
      from: '2026-11-26',
      to: '2026-11-27',
    });
  });

  it('calls nothing for a final chunk, nor for a tail asked for moments ago', () => {
    const span = { year: 2026, from: '2026-11-20', to: '2026-11-26' };

    expect(
      chunkFetchRange(
        { year: 2020, from: '2020-01-01', to: '2020-12-31' },
        marker('2020-12-31'),
        '2026-11-29',
        false,
      ),
    ).toBeUndefined();
    expect(chunkFetchRange(span, marker('2026-11-25'), '2026-11-26', true)).toBeUndefined();
  });

  it('knows without a call that the days before SF43718 began (1991-11-12) have no value', () => {
    expect(FIX_FIRST_DATE).toBe('1991-11-12');
    expect(FIXER_FIRST_DATE).toBe('1999-01-01');
    expect(knownFinalThrough(1990, undefined)).toBe('1990-12-31');
    expect(knownFinalThrough(1991, undefined)).toBe('1991-11-11');
    expect(knownFinalThrough(1992, undefined)).toBe('1991-12-31');
    expect(
      chunkFetchRange({ year: 1991, from: '1991-01-01', to: '1991-12-31' }, undefined, '2026-11-29', false),
    ).toEqual({
      from: '1991-11-12',
      to: '1991-12-31',
    });
  });
});

describe('finality after a call', () => {
  it('is final through the range end for a past range', () => {
    expect(finalThroughAfterFetch({ from: '2020-01-01', to: '2020-12-31' }, [], '2026-11-29')).toBe(
      '2020-12-31',
    );
  });

  it('stops at yesterday for a range that reaches today', () => {
    const today = [{ date: '2026-11-26', value: 18.1 }];

    expect(finalThroughAfterFetch({ from: '2026-01-01', to: '2026-11-26' }, today, '2026-11-26')).toBe(
      '2026-11-25',
    );
  });

  it('stops before the first N/E, and never goes back before the range', () => {
    const observations = [
      { date: '2020-01-02', value: 18.9 },
      { date: '2020-01-03', value: undefined },
      { date: '2020-01-06', value: 18.8 },
    ];

    expect(finalThroughAfterFetch({ from: '2020-01-01', to: '2020-12-31' }, observations, '2026-11-29')).toBe(
      '2020-01-02',
    );
    expect(
      finalThroughAfterFetch({ from: '2020-01-03', to: '2020-12-31' }, observations.slice(1), '2026-11-29'),
    ).toBe('2020-01-02');
  });

  it('gives a slice the last date up to which every chunk is final', () => {
    const spans = yearSpans('2025-07-01', '2026-06-30');
    const finals: Record<number, string> = { 2025: '2025-12-31', 2026: '2026-03-10' };

    expect(sliceFinalThrough(spans, (year) => finals[year] ?? '', '2025-07-01')).toBe('2026-03-10');
    expect(sliceFinalThrough(spans, () => '2024-12-31', '2025-07-01')).toBe('2025-06-30');
    expect(sliceFinalThrough(spans, (year) => `${year}-12-31`, '2025-07-01')).toBe('2026-06-30');
  });
});
