/**
 * How long a value fetched from a source stays worth serving without asking the
 * source again, and when the source is next expected to have something newer.
 * Pure: every instant is epoch milliseconds passed in by the caller.
 */
import { addDays, nextBankingDay } from '../core/banking-calendar.js';
import { mexicoCityInstant } from '../core/mexico-time.js';
import type { SourceId } from '../core/rate.js';

export interface Freshness {
  /** Until this instant the cached value is served without refetching. */
  freshUntil: number;
  /**
   * When the source is scheduled to have a newer value. For a late source this is
   * already in the past (at or before the fetch): it says "overdue since", while
   * `freshUntil` then says when to try again.
   */
  nextExpectedUpdate: number;
}

export interface FreshnessPolicy {
  /** Minimum time between two Fixer calls, service-wide. */
  fixerMinIntervalMs: number;
  /** How long to wait before asking again when a scheduled update has not shown up. */
  retryLateMs: number;
}

/** A late FIX or DOF row is usually minutes late; 15 min keeps upstream load tiny. */
export const DEFAULT_RETRY_LATE_MS = 15 * 60_000;

/** Banxico publishes the FIX of a banking day from 12:00 Mexico City time. */
const FIX_PUBLICATION_HOUR = 12;

export interface FreshnessInput {
  /** Newest date the source gave, YYYY-MM-DD, Mexico City calendar. */
  dataDate: string;
  /** When we fetched it, epoch ms. */
  fetchedAt: number;
}

/**
 * Rules, per source:
 * - banxico (FIX, SF43718 `oportuno`): the FIX for banking day D is published from
 *   12:00 Mexico City on D. Holding a value dated D, the next update is expected at
 *   12:00 Mexico City on nextBankingDay(D); the value is fresh until then.
 * - dof (Banxico's DOF page): one row per calendar day, the newest dated today in
 *   Mexico City, so the page gains a row every day. Holding newest row D, the next
 *   update is expected at 00:00 Mexico City on D + 1 calendar day.
 * - fixer: updates hourly at best, but the free plan allows 100 calls a month, so the
 *   next call is due `fixerMinIntervalMs` after this one, and the value is fresh until then.
 * Late rule (banxico and dof): if we fetched at or after the expected instant and still
 * got D (a late publication, or a holiday the calendar does not know), the value is
 * fresh only until fetchedAt + retryLateMs, so we ask again soon without hammering.
 */
export function freshnessFor(source: SourceId, input: FreshnessInput, policy: FreshnessPolicy): Freshness {
  if (!Number.isFinite(input.fetchedAt))
    throw new RangeError(`fetchedAt is not an instant: ${input.fetchedAt}`);
  switch (source) {
    case 'banxico': {
      const expected = mexicoCityInstant(nextBankingDay(input.dataDate), FIX_PUBLICATION_HOUR).getTime();
      return scheduled(expected, input.fetchedAt, policy.retryLateMs);
    }
    case 'dof': {
      const expected = mexicoCityInstant(addDays(input.dataDate, 1), 0).getTime();
      return scheduled(expected, input.fetchedAt, policy.retryLateMs);
    }
    case 'fixer': {
      const next = input.fetchedAt + policy.fixerMinIntervalMs;
      return { freshUntil: next, nextExpectedUpdate: next };
    }
  }
}

function scheduled(expected: number, fetchedAt: number, retryLateMs: number): Freshness {
  const late = fetchedAt >= expected;
  return { freshUntil: late ? fetchedAt + retryLateMs : expected, nextExpectedUpdate: expected };
}

/** Whole seconds from `now` until `instant`, rounded up, never negative (e.g. for max-age). */
export function secondsUntil(instant: number, now: number): number {
  return Math.max(0, Math.ceil((instant - now) / 1000));
}
