/**
 * The life of one source's cache entry as a pure state machine: no I/O, every instant
 * passed in. The rate service asks `entryState` what an entry calls for, and once a
 * refresh has an answer (newer, same, older, invalid, failure) `settleRefresh` says what
 * to write and until which instant the entry is settled. Every way out of a refresh
 * names that instant, and it is never sooner than `minCallSpacingMs` after the call, so
 * no sequence of upstream answers can make the upstream be called per request.
 *
 *   empty ──refresh──▶ fresh | backing off
 *   fresh ──time──▶ due ──refresh──▶ fresh | late | checked (nothing newer) | backing off
 *   late ──time──▶ due          backing off ──time──▶ due
 *   due + another instance holds the lease ──▶ refreshing elsewhere (stored value served stale)
 *   any value older than maxStaleMs ──▶ expired (never served)
 */
import type { ProviderErrorCode } from '../core/provider-error.js';
import type { SourceId } from '../core/rate.js';
import { freshnessFor } from './freshness.js';
import type { CachedValue, CacheEntry } from './rate-store.js';
import { sourcePolicy } from './source-policy.js';

/** Why a source has no fresh value, as the API shows it. */
export interface SourceError {
  code: ProviderErrorCode;
  message: string;
  retryAfterSeconds?: number;
}

export interface EntryPolicy {
  fixerMinIntervalMs: number;
  retryLateMs: number;
  errorBackoffMs: number;
  maxStaleMs: number;
}

export type EntryState =
  /** Nothing stored and no failure to wait out: refresh. */
  | { state: 'empty' }
  /** Serve the stored value, `stale: false`, until `until`. */
  | { state: 'fresh'; until: number }
  /** The next publication is overdue: serve the stored value, `stale: false`, and ask again at `until`. */
  | { state: 'late'; until: number }
  /** A refresh failed: no upstream call before `until`; serve the stored value stale, if not expired. */
  | { state: 'backing_off'; until: number }
  /** Freshness ran out: refresh (or, if another instance holds the lease, serve stale). */
  | { state: 'due' };

/** The states that need no refresh: fresh, late, or backing off after a failure, each until `until`. */
export type SettledState = Extract<EntryState, { until: number }>;

/** The one statement of "the entry is fresh (or late) or backing off": no upstream call before `until`. */
export function isSettled(state: EntryState): state is SettledState {
  return state.state === 'fresh' || state.state === 'late' || state.state === 'backing_off';
}

/** What an entry calls for at `now`. */
export function entryState(entry: CacheEntry | undefined, now: number): EntryState {
  const value = entry?.value;
  if (value !== undefined && now < value.freshUntil) {
    // Late: we already checked at or after the instant the next publication was due.
    const checkedAt = value.checkedAt ?? value.fetchedAt;
    return checkedAt >= value.nextExpectedUpdate
      ? { state: 'late', until: value.freshUntil }
      : { state: 'fresh', until: value.freshUntil };
  }
  if (entry?.nextAttemptAt !== undefined && now < entry.nextAttemptAt) {
    return { state: 'backing_off', until: entry.nextAttemptAt };
  }
  return value === undefined ? { state: 'empty' } : { state: 'due' };
}

/** How a value not fresh any more may still be shown: stale, or not at all once older than maxStaleMs. */
export function staleOrExpired(value: CachedValue, now: number, policy: EntryPolicy): 'stale' | 'expired' {
  return now - value.fetchedAt <= policy.maxStaleMs ? 'stale' : 'expired';
}

/** The least time between two calls to one source, whatever it answers (its SourcePolicy says). */
export function minCallSpacingMs(source: SourceId, policy: EntryPolicy): number {
  return sourcePolicy(source, policy).minCallSpacingMs;
}

export type RefreshAnswer =
  /** A value that passed validation (plausibility, dates and instants). */
  | { kind: 'value'; value: CachedValue }
  /** The source answered, but with something that failed validation (`invalid_value`, `layout_changed`, …). */
  | { kind: 'invalid'; error: SourceError }
  /** No usable answer: transport failure, upstream error, quota, no value published yet. */
  | { kind: 'failure'; error: SourceError };

export type VersionOrder = 'newer' | 'same' | 'older';

/** Where the answered value stands against the stored one (nothing stored: newer). */
export function compareVersions(stored: CachedValue | undefined, answered: CachedValue): VersionOrder {
  if (stored === undefined || answered.dataVersion > stored.dataVersion) return 'newer';
  return answered.dataVersion === stored.dataVersion ? 'same' : 'older';
}

export type Settlement =
  /** Store the answered value: it is newer than (or the same data as) what is stored. */
  | { kind: 'store'; value: CachedValue; settledUntil: number }
  /**
   * The source was checked and had nothing newer: keep the stored value, record when we
   * checked and when to check again (`value` is the stored value with those set).
   */
  | { kind: 'checked'; value: CachedValue; settledUntil: number }
  /** Record the failure and make no call before `settledUntil`; the stored value stays as it was. */
  | { kind: 'failed'; error: SourceError; settledUntil: number };

function failureBackoffMs(source: SourceId, error: SourceError, policy: EntryPolicy): number {
  const spacing = Math.max(minCallSpacingMs(source, policy), policy.errorBackoffMs);
  if (error.retryAfterSeconds !== undefined) return Math.max(error.retryAfterSeconds * 1000, spacing);
  return spacing;
}

/**
 * The one transition out of a refresh. `now` is when the upstream call was made (the
 * spacing is counted from it). `answer.value` must have been built with freshness computed
 * at its fetch (toCachedValue); `settledUntil` is never before `now + minCallSpacingMs`.
 */
export function settleRefresh(
  source: SourceId,
  stored: CachedValue | undefined,
  answer: RefreshAnswer,
  now: number,
  policy: EntryPolicy,
): Settlement {
  const floor = now + minCallSpacingMs(source, policy);
  if (answer.kind !== 'value') {
    // A stored value still fresh (a refresh forced early) stays fresh: the entry is settled
    // until the later of its freshness and the backoff.
    const backoffUntil = now + failureBackoffMs(source, answer.error, policy);
    return {
      kind: 'failed',
      error: answer.error,
      settledUntil: Math.max(backoffUntil, stored?.freshUntil ?? 0),
    };
  }
  const order = compareVersions(stored, answer.value);
  if (order !== 'older' || stored === undefined) {
    const freshUntil = Math.max(answer.value.freshUntil, floor);
    return { kind: 'store', value: { ...answer.value, freshUntil }, settledUntil: freshUntil };
  }
  // Older than what we hold (an upstream cache rolled back): the stored value is still the
  // newest known, and it is checked now. It is fresh by its own schedule as if fetched now.
  const checkedAt = answer.value.checkedAt ?? answer.value.fetchedAt;
  const schedule = freshnessFor(source, { dataDate: stored.dataDate, fetchedAt: checkedAt }, policy);
  const freshUntil = Math.max(schedule.freshUntil, floor);
  return {
    kind: 'checked',
    value: { ...stored, checkedAt, freshUntil, nextExpectedUpdate: schedule.nextExpectedUpdate },
    settledUntil: freshUntil,
  };
}
