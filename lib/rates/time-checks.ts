/**
 * The one place where every source's dates and instants are checked before anything is
 * stored or served. Parsers check shape; this checks time, which needs `now`.
 *
 * - A calendar date after today in Mexico City is `invalid_value`: SF43718 is keyed by
 *   determination date, the DOF page's newest row is today's publication, Fixer's `date`
 *   is the day of its rates; none of them can be tomorrow. SF60653 is keyed by settlement
 *   date, two banking days after determination, so it may be dated up to the second
 *   banking day after today (computed calendar), never later.
 * - An epoch instant must be whole seconds, after 1999 (Fixer's history starts in 1999)
 *   and not in the future.
 * "Today" and "now" allow CLOCK_SKEW_MS: our clock (NTP-synced Lambda hosts) and the
 * upstream's may differ a little, and rejecting a value published seconds before midnight
 * by a clock slightly ahead would cost a backoff for nothing. Five minutes is far above any
 * NTP-synced drift and far below the smallest real fault seen (a day, or milliseconds
 * read as seconds).
 */

import { nextBankingDay } from '../core/banking-calendar.js';
import { EARLIEST_EPOCH_SECONDS } from '../core/epoch.js';
import { mexicoCityDate } from '../core/mexico-time.js';
import { ProviderError } from '../core/provider-error.js';
import { type ParsedSource, SETTLEMENT_DATED_KEYS, type SourceId } from '../core/rate.js';

// The epoch rule is stated once in the ground floor (the Fixer parser reads it too).
export { EARLIEST_EPOCH_SECONDS, epochSecondsToDate } from '../core/epoch.js';

/** How messages name each source. */
const SOURCE_NAMES: Readonly<Record<SourceId, string>> = {
  dof: 'DOF page',
  fixer: 'Fixer',
  banxico: 'Banxico SIE',
};

export const CLOCK_SKEW_MS = 5 * 60_000;

function invalid(message: string): ProviderError {
  return new ProviderError('invalid_value', message);
}

/** Today in Mexico City as the latest date a source may give. */
export function latestAcceptableDate(now: number): string {
  return mexicoCityDate(new Date(now + CLOCK_SKEW_MS));
}

/** Throws `invalid_value` for a date after today (Mexico City). */
export function assertNotFutureDate(date: string, what: string, now: number): void {
  const today = latestAcceptableDate(now);
  if (date > today) throw invalid(`${what} is dated ${date}, after today (${today}) in Mexico City`);
}

/** Throws `invalid_value` for a settlement date past the settlement of a FIX determined today. */
export function assertSettlementDate(date: string, what: string, now: number): void {
  const latest = nextBankingDay(nextBankingDay(latestAcceptableDate(now)));
  if (date > latest)
    throw invalid(`${what} is dated ${date}, after the settlement of today's FIX (${latest})`);
}

/** Throws `invalid_value` for an instant in the future or before 2000. */
export function assertPastInstant(instant: string, what: string, now: number): void {
  const at = Date.parse(instant);
  if (Number.isNaN(at)) throw invalid(`${what} has no valid instant`);
  if (at < EARLIEST_EPOCH_SECONDS * 1000) throw invalid(`${what} is from before 2000 (${instant})`);
  if (at > now + CLOCK_SKEW_MS) throw invalid(`${what} is from the future (${instant})`);
}

/**
 * Every rate of a source checked at `now`: its date is not after today and, where the
 * source stated the instant itself (a market quote's collection time), it is not in the
 * future. The FIX and DOF `lastUpdated` are our schedule (12:00 / 00:00 of the date), not a
 * claim of the source, so only their dates are checked.
 */
export function assertSourceTimes(parsed: ParsedSource, source: SourceId, now: number): void {
  const what = SOURCE_NAMES[source];
  for (const rate of parsed.rates) {
    if (SETTLEMENT_DATED_KEYS.has(rate.key)) assertSettlementDate(rate.date, `${what} (${rate.key})`, now);
    else assertNotFutureDate(rate.date, `${what} (${rate.key})`, now);
    if (rate.kind === 'market') assertPastInstant(rate.lastUpdated, `${what} (${rate.key})`, now);
  }
  if (parsed.newestRowDate !== undefined)
    assertNotFutureDate(parsed.newestRowDate, `${what} newest row`, now);
}

/** The same check as a predicate, for values stored before it existed. */
export function hasValidTimes(parsed: ParsedSource, source: SourceId, now: number): boolean {
  try {
    assertSourceTimes(parsed, source, now);
    return true;
  } catch {
    return false;
  }
}
