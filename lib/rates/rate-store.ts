import type { ProviderErrorCode } from '../core/provider-error.js';
import type { ParsedRate, ParsedSource, SourceId } from '../core/rate.js';

/**
 * The rate cache as the rates domain sees it (a port): what one source's entry holds and
 * the writes a refresh needs, each a conditional write so that concurrent instances never
 * overwrite a newer value. cache-store.ts is the DynamoDB adapter; tests use an in-memory
 * one (test/helpers/memory-rate-store.ts).
 */

export interface StoredError {
  code: ProviderErrorCode;
  message: string;
  at: number;
}

export interface CachedValue {
  parsed: ParsedSource;
  /** Newest date the source gave (Mexico City), what freshness is computed from. */
  dataDate: string;
  /** Orders values of one source: newest lastUpdated among its rates. */
  dataVersion: string;
  fetchedAt: number;
  /** When the source was last asked and had nothing newer than this value (absent: at fetchedAt). */
  checkedAt?: number;
  freshUntil: number;
  nextExpectedUpdate: number;
}

export interface CacheEntry {
  value: CachedValue | undefined;
  lastError: StoredError | undefined;
  /** No upstream call before this instant (backoff after a failure). */
  nextAttemptAt: number | undefined;
}

export interface UpstreamCounts {
  callsToday: number;
  callsThisMonth: number;
}

export interface RateCacheStore {
  readLatest(sources: readonly SourceId[]): Promise<Map<SourceId, CacheEntry>>;
  /**
   * False when a newer value is already stored: a late writer never overwrites. A stored
   * value whose version is `replacing` (one that fails validation now, e.g. a future date
   * stored before dates were checked) is overwritten whatever its version.
   */
  writeLatest(source: SourceId, value: CachedValue, replacing?: string): Promise<boolean>;
  /**
   * Records that the source was asked at `value.checkedAt` and had nothing newer than the
   * stored value: its fresh_until / next_expected become `value`'s and any failure is
   * cleared. False (nothing written) when the stored version is no longer `value`'s.
   */
  markChecked(source: SourceId, value: CachedValue): Promise<boolean>;
  writeHistory(source: SourceId, rates: readonly ParsedRate[], fetchedAt: number): Promise<void>;
  /** Ignored when a value fetched after `attemptStartedAt` is already stored. */
  recordFailure(
    source: SourceId,
    error: StoredError,
    nextAttemptAt: number,
    attemptStartedAt: number,
  ): Promise<void>;
  acquireLease(source: SourceId, owner: string, now: number, ttlMs: number): Promise<boolean>;
  releaseLease(source: SourceId, owner: string): Promise<void>;
  /** Counts one upstream call; false (and not counted) when `monthlyBudget` is spent. */
  countUpstreamCall(source: SourceId, month: string, day: string, monthlyBudget?: number): Promise<boolean>;
  readUpstreamCounts(
    sources: readonly SourceId[],
    month: string,
    day: string,
  ): Promise<Map<SourceId, UpstreamCounts>>;
}
