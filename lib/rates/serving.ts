/**
 * What a request is told about one source, decided without I/O: served as current, served
 * stale with the error that made it stale, or not served. The rate service and the refresh
 * coordinator both answer through these functions, so each rule is written once.
 */
import type { SourceId } from '../core/rate.js';
import { type EntryPolicy, entryState, isSettled, type SourceError, staleOrExpired } from './entry-state.js';
import type { CachedValue, CacheEntry } from './rate-store.js';
import { hasValidTimes } from './time-checks.js';

export type { SourceError };

export interface SourceOutcome {
  source: SourceId;
  value: CachedValue | undefined;
  stale: boolean;
  error: SourceError | undefined;
}

/** What a request that found another instance refreshing, and nothing it may serve, is told. */
export const IN_PROGRESS: SourceError = {
  code: 'timeout',
  message: 'Another refresh of this source is still in progress',
};

/** The entry's last failure as the API shows it; the fallback text when none was recorded. */
export function lastFailure(entry: CacheEntry | undefined): SourceError {
  const error = entry?.lastError ?? {
    code: 'upstream_error' as const,
    message: 'The source failed recently',
  };
  return { code: error.code, message: error.message };
}

/**
 * A stored value that fails today's time checks (stored before dates were checked, e.g. a
 * FIX dated tomorrow) is not served: the entry reads as holding no value, and its version
 * is remembered so that the next good value may replace it.
 */
export function withoutInvalidValue(
  source: SourceId,
  entry: CacheEntry | undefined,
  at: number,
): { entry: CacheEntry | undefined; replacing: string | undefined } {
  if (entry?.value === undefined || hasValidTimes(entry.value.parsed, source, at))
    return { entry, replacing: undefined };
  return { entry: { ...entry, value: undefined }, replacing: entry.value.dataVersion };
}

/** A value with an error: served stale while not older than maxStaleMs, else not served. */
export function serveStale(
  source: SourceId,
  value: CachedValue | undefined,
  error: SourceError,
  now: number,
  policy: EntryPolicy,
): SourceOutcome {
  if (value !== undefined && staleOrExpired(value, now, policy) === 'stale') {
    return { source, value, stale: true, error };
  }
  return { source, value: undefined, stale: false, error };
}

/** A value another instance stored (or is refreshing): current while fresh, else stale without an error. */
export function serveStored(
  source: SourceId,
  value: CachedValue,
  now: number,
  policy: EntryPolicy,
): SourceOutcome {
  if (now < value.freshUntil) return { source, value, stale: false, error: undefined };
  return serveWhileRefreshing(source, value, now, policy);
}

/**
 * A value whose refresh another instance holds: stale without an error while not older
 * than maxStaleMs; else nothing, with IN_PROGRESS as the reason.
 */
export function serveWhileRefreshing(
  source: SourceId,
  value: CachedValue,
  now: number,
  policy: EntryPolicy,
): SourceOutcome {
  const served = serveStale(source, value, IN_PROGRESS, now, policy);
  return served.value === undefined ? served : { ...served, error: undefined };
}

/**
 * The answer for an entry that needs no refresh (fresh, late, or backing off), or
 * undefined when it is due (or empty) and a refresh must decide. `entry` has already been
 * through `withoutInvalidValue`.
 */
export function servedWithoutRefresh(
  source: SourceId,
  entry: CacheEntry | undefined,
  now: number,
  policy: EntryPolicy,
): SourceOutcome | undefined {
  const state = entryState(entry, now);
  if (!isSettled(state)) return undefined;
  if (state.state === 'backing_off') return serveStale(source, entry?.value, lastFailure(entry), now, policy);
  return { source, value: entry?.value, stale: false, error: undefined };
}
