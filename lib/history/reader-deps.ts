import { isIsoDate, mexicoCityDate } from '../core/mexico-time.js';
import type { ChunkMarker } from './chunks.js';
import type { Flights } from './flights.js';
import type { HistoryStore } from './history-store.js';
import type { FixerDay, SieSeriesId } from './types.js';

/** What the history reader is built from (lib/history/reader.ts), and what its parts share. */

/** One observation as a SIE range call gives it: `value` undefined where SIE says `N/E`. */
export interface RangeObservation {
  date: string;
  value: number | undefined;
}

/** A Fixer historical answer, not stored yet. */
export type FixerAnswer = Omit<FixerDay, 'fetchedAt'>;

export interface HistoryPolicy {
  /** A lease outlives one upstream call plus the writes after it. */
  leaseMs: number;
  /** How long a read waits for another instance's call before giving up (`timeout`). */
  waitForWinnerMs: number;
  pollIntervalMs: number;
  /** The non-final tail of a chunk (today, `N/E`) is asked again at most this often. */
  recheckMs: number;
  /**
   * After a failed call, this instance answers the same error without calling again for
   * this long (or for the upstream's own retry-after, when longer): SIE blocks a token that
   * goes over its limit, and that would stop the live FIX too.
   */
  errorBackoffMs: number;
}

export interface HistoryReaderDeps {
  store: HistoryStore;
  /** One SIE range call; throws ProviderError. */
  fetchSieRange(series: SieSeriesId, from: string, to: string): Promise<RangeObservation[]>;
  /** One Fixer historical call; throws ProviderError. */
  fetchFixerDay(date: string): Promise<FixerAnswer>;
  /**
   * Counts one Fixer call against the monthly budget shared with `latest`, only while the
   * month's count is below `below` (lib/history/fixer-reserve.ts); false when it is not.
   */
  countFixerCall(at: number, below: number): Promise<boolean>;
  fixerMonthlyBudget: number;
  /** The live refresh's minimum interval between Fixer calls (rate policy `fixerMinIntervalMs`). */
  fixerMinIntervalMs: number;
  /** Throws ProviderError('not_configured') when the source has no credentials: nothing is called. */
  assertConfigured(source: 'banxico' | 'fixer'): Promise<void>;
  /** Human name plus series for `SeriesSlice.source`. */
  sourceOf(series: SieSeriesId): string;
  now(): number;
  /** Identifies this instance as a lease owner. */
  owner: string;
  policy: HistoryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/** What the reader's parts share within one instance. */
export interface ReaderContext {
  deps: HistoryReaderDeps;
  flights: Flights;
  sleep(ms: number): Promise<void>;
  /** Today in Mexico City, by `deps.now`. */
  today(): string;
  /** Chunks final through their year's end never change again: kept in memory for good. */
  completeChunks: Map<string, ChunkMarker>;
}

export function todayIn(deps: Pick<HistoryReaderDeps, 'now'>): string {
  return mexicoCityDate(new Date(deps.now()));
}

/** A programming error of the caller (the routes validate input first): RangeError. */
export function assertDate(date: string, name: string): void {
  if (!isIsoDate(date)) throw new RangeError(`${name} is not a calendar date (YYYY-MM-DD): ${date}`);
}

/** [from, to] as the reader accepts it: real dates, from ≤ to. */
export function assertRange(from: string, to: string): void {
  assertDate(from, 'from');
  assertDate(to, 'to');
  if (from > to) throw new RangeError(`from (${from}) is after to (${to})`);
}
