/**
 * Reading the SF43718 observations a date rule needs through the data layer
 * (`HistoryReader`, lib/history/types.ts): the requested dates plus `LOOKBACK_DAYS`
 * before them, never before the series' first date.
 */
import { addDays } from '../core/mexico-time.js';
import { ProviderError } from '../core/provider-error.js';
import { FIX_FIRST_DATE } from './coverage.js';
import { createFixTimeline, type FixTimeline, LOOKBACK_DAYS } from './fix-timeline.js';
import type { HistoryReader, SeriesSlice } from './types.js';

export function beforeFixHistory(date: string): ProviderError {
  return new ProviderError(
    'before_history',
    `Banxico SIE's FIX (SF43718) starts on ${FIX_FIRST_DATE}; nothing applies on ${date}.`,
  );
}

export interface TimelineRead {
  timeline: FixTimeline;
  slice: SeriesSlice;
}

/** The timeline covering [from − LOOKBACK_DAYS, to]; `before_history` when `to` is before SF43718 starts. */
export async function readFixTimeline(
  reader: HistoryReader,
  from: string,
  to: string,
): Promise<TimelineRead> {
  if (to < FIX_FIRST_DATE) throw beforeFixHistory(to);
  const lookback = addDays(from, -LOOKBACK_DAYS);
  const start = [lookback, FIX_FIRST_DATE].sort()[1] ?? lookback;
  const slice = await reader.series('SF43718', start, to);
  return { timeline: createFixTimeline(slice), slice };
}

/**
 * Why a rule found no value for `date` in a timeline: the data starts too late
 * (`before_history`) or SIE has no value where one was expected (`not_published`).
 */
export function noValueError(timeline: FixTimeline, date: string, what: string): ProviderError {
  if (timeline.coveredFrom <= FIX_FIRST_DATE) {
    return new ProviderError(
      'before_history',
      `${what} for ${date} needs FIX values before ${FIX_FIRST_DATE}, where SF43718 starts.`,
    );
  }
  return new ProviderError(
    'not_published',
    `SIE has no FIX (SF43718) from which ${what} for ${date} follows.`,
  );
}
