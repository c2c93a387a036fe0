import { isIsoDate, mexicoCityDate } from '../core/mexico-time.js';
import { ProviderError } from '../core/provider-error.js';
import {
  type ChunkMarker,
  chunkFetchRange,
  finalThroughAfterFetch,
  knownFinalThrough,
  sliceFinalThrough,
  type YearSpan,
  yearSpans,
} from './chunks.js';
import { FIXER_FIRST_DATE } from './coverage.js';
import type { HistoryStore } from './history-store.js';
import type { FixerDay, HistoryReader, SeriesSlice, SieSeriesId } from './types.js';

/**
 * The history data layer (`HistoryReader`): past values are read from the store, and an
 * upstream is called only for what is not stored yet, once. Within an instance concurrent
 * reads of one chunk (SIE series × year) or one Fixer day share one promise
 * (single-flight); across instances a DynamoDB lease per chunk/day lets one call and the
 * others wait for what it stores (the rate cache's pattern, lib/rates/rate-service.ts).
 * A failed call stores nothing: the error (ProviderError) reaches the caller.
 */

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
  /** Counts one Fixer call against the monthly budget shared with `latest`; false when it is spent. */
  countFixerCall(at: number): Promise<boolean>;
  fixerMonthlyBudget: number;
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

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function assertDate(date: string, name: string): void {
  if (!isIsoDate(date)) throw new RangeError(`${name} is not a calendar date (YYYY-MM-DD): ${date}`);
}

/** Errors that only say another instance is still calling: never a reason to back off. */
const waitedOut = new WeakSet<ProviderError>();

function inProgress(what: string): ProviderError {
  const error = new ProviderError('timeout', `Another fetch of ${what} is still in progress`);
  waitedOut.add(error);
  return error;
}

export function createHistoryReader(deps: HistoryReaderDeps): HistoryReader {
  const { store, policy, now } = deps;
  const sleep = deps.sleep ?? defaultSleep;
  const inflight = new Map<string, Promise<unknown>>();
  /** Chunks final through their year's end never change again: kept in memory for good. */
  const completeChunks = new Map<string, ChunkMarker>();
  const today = () => mexicoCityDate(new Date(now()));

  const failures = new Map<string, { error: ProviderError; until: number }>();

  /**
   * Concurrent callers with the same key share one promise until it settles; after a
   * ProviderError, callers get that error again until the backoff ends (nothing is stored).
   */
  function once<T>(key: string, work: () => Promise<T>): Promise<T> {
    const failed = failures.get(key);
    if (failed !== undefined && now() < failed.until) return Promise.reject(failed.error);
    const pending = inflight.get(key) as Promise<T> | undefined;
    if (pending !== undefined) return pending;
    const started = work()
      .then(
        (value) => {
          failures.delete(key);
          return value;
        },
        (error: unknown) => {
          if (error instanceof ProviderError && error.code !== 'not_configured' && !waitedOut.has(error)) {
            const backoff = Math.max(policy.errorBackoffMs, (error.retryAfterSeconds ?? 0) * 1000);
            failures.set(key, { error, until: now() + backoff });
          }
          throw error;
        },
      )
      .finally(() => inflight.delete(key));
    inflight.set(key, started);
    return started;
  }

  /** Runs `work` holding the lease `name`; without it, polls `settled` until the holder is done. */
  async function underLease<T>(
    name: string,
    settled: () => Promise<T | undefined>,
    work: () => Promise<T>,
  ): Promise<T> {
    if (!(await store.acquireLease(name, deps.owner, now(), policy.leaseMs))) {
      const deadline = now() + policy.waitForWinnerMs;
      let interval = policy.pollIntervalMs;
      while (now() < deadline) {
        // Growing, jittered polls: many waiting instances must not flood the table.
        await sleep(interval * (0.75 + Math.random() / 2));
        interval = Math.min(interval * 1.5, 500);
        const result = await settled();
        if (result !== undefined) return result;
      }
      throw inProgress(name);
    }
    try {
      return await work();
    } finally {
      await store.releaseLease(name, deps.owner).catch(() => undefined);
    }
  }

  function recentlyChecked(marker: ChunkMarker | undefined): boolean {
    if (marker === undefined) return false;
    const at = now();
    return at - marker.checkedAt < policy.recheckMs && mexicoCityDate(new Date(marker.checkedAt)) === today();
  }

  async function readChunk(series: SieSeriesId, year: number): Promise<ChunkMarker | undefined> {
    return (await store.readChunks(series, [year])).get(year);
  }

  /** Under the lease: look again (another instance may just have stored it), then one range call. */
  async function fetchChunk(series: SieSeriesId, span: YearSpan): Promise<ChunkMarker | undefined> {
    const marker = await readChunk(series, span.year);
    const range = chunkFetchRange(span, marker, today(), recentlyChecked(marker));
    if (range === undefined) return marker;
    const observations = await deps.fetchSieRange(series, range.from, range.to);
    const fetchedAt = now();
    await store.writeObservations(
      series,
      observations.flatMap(({ date, value }) => (value === undefined ? [] : [{ date, value }])),
      fetchedAt,
    );
    // Written after the observations: a crash in between leaves the chunk to be fetched again.
    await store.advanceChunk(
      series,
      span.year,
      finalThroughAfterFetch(range, observations, today()),
      fetchedAt,
    );
    return readChunk(series, span.year);
  }

  /** Makes the store hold what `span` needs, as far as SIE has it; one call per chunk at most. */
  async function ensureChunk(series: SieSeriesId, span: YearSpan, marker: ChunkMarker | undefined) {
    if (chunkFetchRange(span, marker, today(), recentlyChecked(marker)) === undefined) return marker;
    // Joined by every concurrent read of this chunk in this instance, whatever span it needs:
    // the call always covers the year through today.
    return once(`sie#${series}#${span.year}`, async () => {
      await deps.assertConfigured('banxico');
      const before = await readChunk(series, span.year);
      const changed = async () => {
        const current = await readChunk(series, span.year);
        return current !== undefined && current.checkedAt !== before?.checkedAt ? current : undefined;
      };
      return underLease(`sie#${series}#${span.year}`, changed, () => fetchChunk(series, span));
    });
  }

  /** Chunk markers of these spans: from memory when complete, else from the table. */
  async function readMarkers(id: SieSeriesId, spans: readonly YearSpan[]): Promise<Map<number, ChunkMarker>> {
    const markers = new Map<number, ChunkMarker>();
    const toRead: number[] = [];
    for (const { year } of spans) {
      const complete = completeChunks.get(`${id}#${year}`);
      if (complete === undefined) toRead.push(year);
      else markers.set(year, complete);
    }
    for (const [year, marker] of await store.readChunks(id, toRead)) markers.set(year, marker);
    return markers;
  }

  async function series(id: SieSeriesId, from: string, to: string): Promise<SeriesSlice> {
    assertDate(from, 'from');
    assertDate(to, 'to');
    if (from > to) throw new RangeError(`from (${from}) is after to (${to})`);
    if (to > today()) throw new RangeError(`to (${to}) is after today (${today()}) in Mexico City`);
    const spans = yearSpans(from, to);
    const markers = await readMarkers(id, spans);
    const ensured = await Promise.all(spans.map((span) => ensureChunk(id, span, markers.get(span.year))));
    for (const [index, span] of spans.entries()) {
      const marker = ensured[index];
      if (marker?.finalThrough === `${String(span.year).padStart(4, '0')}-12-31`)
        completeChunks.set(`${id}#${span.year}`, marker);
    }
    const finalByYear = new Map(spans.map((span, index) => [span.year, ensured[index]]));
    const observations = await store.readObservations(id, from, to);
    const fetchedTimes = [
      ...observations.map((observation) => observation.fetchedAt),
      ...ensured.flatMap((marker) => (marker === undefined ? [] : [marker.fetchedAt])),
    ];
    return {
      series: id,
      from,
      to,
      observations: observations.map(({ date, value }) => ({ date, value })),
      finalThrough: sliceFinalThrough(spans, (year) => knownFinalThrough(year, finalByYear.get(year)), from),
      source: deps.sourceOf(id),
      fetchedAt: fetchedTimes.length === 0 ? now() : Math.min(...fetchedTimes),
    };
  }

  /** Under the lease: look again, count the call against the budget, call, store. */
  async function fetchFixerDay(date: string): Promise<FixerDay> {
    const stored = await store.readFixerDay(date);
    if (stored !== undefined) return stored;
    // Counted (conditionally) before the call, so a crash mid-call still shows in the budget.
    if (!(await deps.countFixerCall(now()))) {
      throw new ProviderError(
        'quota_exhausted',
        `Our monthly budget of ${deps.fixerMonthlyBudget} Fixer calls is spent`,
      );
    }
    const answer = await deps.fetchFixerDay(date);
    return store.writeFixerDay({ ...answer, fetchedAt: now() });
  }

  async function fixerOn(date: string): Promise<FixerDay> {
    assertDate(date, 'date');
    if (date < FIXER_FIRST_DATE) {
      throw new ProviderError('before_history', `Fixer's history starts on ${FIXER_FIRST_DATE}`);
    }
    // Fixer's dates are UTC days: a day's rates are final once that UTC day is over.
    const dayOver = Date.parse(`${date}T00:00:00Z`) + 86_400_000;
    if (now() < dayOver) {
      throw new ProviderError('not_published', `Fixer's rates for ${date} are final only after that UTC day`);
    }
    const stored = await store.readFixerDay(date);
    if (stored !== undefined) return stored;
    return once(`fixer#${date}`, async () => {
      await deps.assertConfigured('fixer');
      return underLease(
        `fixer#${date}`,
        () => store.readFixerDay(date),
        () => fetchFixerDay(date),
      );
    });
  }

  async function storedFixer(from: string, to: string): Promise<readonly FixerDay[]> {
    assertDate(from, 'from');
    assertDate(to, 'to');
    if (from > to) throw new RangeError(`from (${from}) is after to (${to})`);
    return store.readFixerDays(from, to);
  }

  /** Identical concurrent reads share one read of the table (a burst for one date is one read). */
  const reads = new Map<string, Promise<unknown>>();
  function shared<T>(key: string, read: () => Promise<T>): Promise<T> {
    const pending = reads.get(key) as Promise<T> | undefined;
    if (pending !== undefined) return pending;
    const started = read().finally(() => reads.delete(key));
    reads.set(key, started);
    return started;
  }

  return {
    series: (id, from, to) => shared(`series#${id}#${from}#${to}`, () => series(id, from, to)),
    fixerOn: (date) => shared(`fixer#${date}`, () => fixerOn(date)),
    storedFixer,
  };
}
