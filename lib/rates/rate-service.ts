import { describeError, logger } from '../log.js';
import { ProviderError, type ProviderErrorCode } from '../providers/provider-error.js';
import type { CachedValue, CacheEntry, RateCacheStore } from './cache-store.js';
import { freshnessFor } from './freshness.js';
import { mexicoCityDate } from './mexico-time.js';
import type { ParsedSource, SourceId } from './rate.js';

export interface RatePolicy {
  /** How old a last good value may be and still be served (stale) after failures. */
  maxStaleMs: number;
  fixerMinIntervalMs: number;
  /** Fixer's monthly call budget: a hard stop, whatever the schedule says. */
  fixerMonthlyBudget: number;
  /** Refetch interval once a publication is late. */
  retryLateMs: number;
  /** No new upstream call this long after a failed one. */
  errorBackoffMs: number;
  /** A refresher's lease; longer than one upstream call, so a live holder never loses it. */
  leaseMs: number;
  /** With nothing cached, how long a request waits for another instance's refresh. */
  waitForWinnerMs: number;
  pollIntervalMs: number;
  /**
   * How long this instance may reuse an entry it read without reading the table again
   * (0 or absent: never), if the entry needs no refresh: fresh, or backing off after a
   * failure. Never past its freshUntil / nextAttemptAt, so no refresh is ever delayed; it
   * only means a change made to the table out of band reaches this instance this late.
   */
  memoryTtlMs?: number;
}

export interface SourceError {
  code: ProviderErrorCode;
  message: string;
  retryAfterSeconds?: number;
}

export interface SourceOutcome {
  source: SourceId;
  value: CachedValue | undefined;
  stale: boolean;
  error: SourceError | undefined;
}

export interface RateServiceDeps {
  store: RateCacheStore;
  fetchSource: (source: SourceId) => Promise<ParsedSource>;
  now: () => number;
  policy: RatePolicy;
  /** Identifies this instance as a lease owner. */
  owner: string;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function newest(values: readonly string[]): string {
  // ISO dates and instants order as strings.
  return [...values].sort().at(-1) ?? '';
}

export function toCachedValue(
  source: SourceId,
  parsed: ParsedSource,
  fetchedAt: number,
  policy: RatePolicy,
): CachedValue {
  const dataDate = newest(parsed.rates.map((rate) => rate.date));
  const { freshUntil, nextExpectedUpdate } = freshnessFor(source, { dataDate, fetchedAt }, policy);
  return {
    parsed,
    dataDate,
    dataVersion: newest(parsed.rates.map((rate) => rate.lastUpdated)),
    fetchedAt,
    freshUntil,
    nextExpectedUpdate,
  };
}

function toSourceError(error: unknown): SourceError {
  if (error instanceof ProviderError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    };
  }
  logger.error('provider failed unexpectedly', { error: describeError(error) });
  return { code: 'upstream_error', message: 'The source failed unexpectedly' };
}

/**
 * The cache in front of the upstreams. A request never causes more than one upstream
 * call per source and refresh: concurrent callers in this instance share one promise
 * (single-flight), other instances lose the DynamoDB lease and serve what is stored.
 */
export function createRateService(deps: RateServiceDeps) {
  const { store, policy, now } = deps;
  const sleep = deps.sleep ?? defaultSleep;
  const inflight = new Map<SourceId, Promise<SourceOutcome>>();
  const memoryTtlMs = policy.memoryTtlMs ?? 0;
  const memory = new Map<SourceId, { entry: CacheEntry; until: number }>();

  /**
   * Until when an entry calls for no refresh, so that no instance (nor the refresher)
   * rewrites it and only a change by hand can: while fresh, or while backing off after a
   * failure. 0 when due.
   */
  function settledUntil(entry: CacheEntry, at: number): number {
    if (entry.value !== undefined && at < entry.value.freshUntil) return entry.value.freshUntil;
    if (entry.nextAttemptAt !== undefined && at < entry.nextAttemptAt) return entry.nextAttemptAt;
    return 0;
  }

  /** The latest entries, from this instance's memory when it holds a settled one, else the table. */
  async function readEntries(sources: readonly SourceId[]): Promise<Map<SourceId, CacheEntry>> {
    const at = now();
    const entries = new Map<SourceId, CacheEntry>();
    const toRead: SourceId[] = [];
    for (const source of sources) {
      const remembered = memory.get(source);
      if (remembered !== undefined && at < remembered.until) entries.set(source, remembered.entry);
      else toRead.push(source);
    }
    if (toRead.length === 0) return entries;
    const read = await store.readLatest(toRead);
    for (const source of toRead) {
      const entry = read.get(source);
      memory.delete(source);
      if (entry === undefined) continue;
      entries.set(source, entry);
      // Only what needs no refresh is remembered, and only while that stays true.
      const until = settledUntil(entry, at);
      if (memoryTtlMs > 0 && at < until)
        memory.set(source, { entry, until: Math.min(at + memoryTtlMs, until) });
    }
    return entries;
  }

  function serveStale(source: SourceId, value: CachedValue | undefined, error: SourceError): SourceOutcome {
    if (value !== undefined && now() - value.fetchedAt <= policy.maxStaleMs) {
      return { source, value, stale: true, error };
    }
    return { source, value: undefined, stale: false, error };
  }

  function backoffMs(source: SourceId, error: SourceError): number {
    if (error.retryAfterSeconds !== undefined)
      return Math.max(error.retryAfterSeconds * 1000, policy.errorBackoffMs);
    // A failing Fixer must not burn its 100 calls a month: back off for a quarter interval.
    if (source === 'fixer') return Math.max(policy.errorBackoffMs, policy.fixerMinIntervalMs / 4);
    return policy.errorBackoffMs;
  }

  async function waitForWinner(source: SourceId, previous: CacheEntry | undefined, started: number) {
    if (previous?.value !== undefined) {
      // Someone else is refreshing: serve what we have, marked stale since it expired.
      return { source, value: previous.value, stale: true, error: undefined };
    }
    const deadline = started + policy.waitForWinnerMs;
    const previousErrorAt = previous?.lastError?.at;
    let interval = policy.pollIntervalMs;
    while (now() < deadline) {
      // Growing, jittered polls: many waiting instances must not flood the table.
      await sleep(Math.min(interval, Math.max(0, deadline - now())) * (0.75 + Math.random() / 2));
      interval = Math.min(interval * 1.5, 500);
      const entry = (await store.readLatest([source])).get(source);
      if (entry?.value !== undefined) return { source, value: entry.value, stale: false, error: undefined };
      if (entry?.lastError !== undefined && entry.lastError.at !== previousErrorAt) {
        return serveStale(source, undefined, {
          code: entry.lastError.code,
          message: entry.lastError.message,
        });
      }
    }
    return serveStale(source, undefined, {
      code: 'timeout',
      message: 'Another refresh of this source is still in progress',
    });
  }

  async function refresh(source: SourceId, previous: CacheEntry | undefined): Promise<SourceOutcome> {
    const started = now();
    if (!(await store.acquireLease(source, deps.owner, started, policy.leaseMs))) {
      return waitForWinner(source, previous, started);
    }
    let keepLease = false;
    try {
      // What we read before taking the lease may predate another instance's refresh that
      // finished (and released its lease) meanwhile: look again before calling the upstream.
      const current = (await store.readLatest([source])).get(source);
      if (current?.value !== undefined && now() < current.value.freshUntil) {
        return { source, value: current.value, stale: false, error: undefined };
      }
      if (current?.nextAttemptAt !== undefined && now() < current.nextAttemptAt) {
        const error = current.lastError ?? {
          code: 'upstream_error' as const,
          message: 'The source failed recently',
        };
        return serveStale(source, current.value, { code: error.code, message: error.message });
      }
      previous = current ?? previous;
      const month = mexicoCityDate(new Date(started)).slice(0, 7);
      const day = mexicoCityDate(new Date(started));
      let parsed: ParsedSource;
      try {
        if (source === 'fixer') {
          // Fixer's budget is a hard stop: counted (conditionally) before the call, so a
          // crash mid-call still shows in the budget.
          const admitted = await store.countUpstreamCall(source, month, day, policy.fixerMonthlyBudget);
          if (!admitted) {
            throw new ProviderError(
              'quota_exhausted',
              `Our monthly budget of ${policy.fixerMonthlyBudget} Fixer calls is spent`,
            );
          }
          parsed = await deps.fetchSource(source);
        } else {
          // Unbudgeted sources are counted alongside the call: no DynamoDB round trip
          // is added to what the user waits for.
          [, parsed] = await Promise.all([
            store.countUpstreamCall(source, month, day),
            deps.fetchSource(source),
          ]);
        }
      } catch (error) {
        const failure = toSourceError(error);
        await store.recordFailure(
          source,
          { code: failure.code, message: failure.message, at: started },
          started + backoffMs(source, failure),
          started,
        );
        // The failure's backoff (at least errorBackoffMs) outlasts the lease, so releasing
        // it would change nothing but add a round trip to the user's wait: let it expire.
        keepLease = policy.errorBackoffMs >= policy.leaseMs;
        return serveStale(source, previous?.value, failure);
      }
      const value = toCachedValue(source, parsed, now(), policy);
      const written = await store.writeLatest(source, value);
      await store.writeHistory(source, parsed.rates, value.fetchedAt);
      if (!written) {
        // A newer value landed meanwhile: serve that one, never ours.
        const stored = (await store.readLatest([source])).get(source)?.value;
        return { source, value: stored ?? value, stale: false, error: undefined };
      }
      return { source, value, stale: false, error: undefined };
    } finally {
      if (!keepLease)
        await store.releaseLease(source, deps.owner).catch((error: unknown) => {
          logger.warn('lease release failed; it will expire', { source, error: describeError(error) });
        });
    }
  }

  function refreshOnce(source: SourceId, previous: CacheEntry | undefined): Promise<SourceOutcome> {
    let pending = inflight.get(source);
    if (pending === undefined) {
      pending = refresh(source, previous).finally(() => inflight.delete(source));
      inflight.set(source, pending);
    }
    return pending;
  }

  function resolve(source: SourceId, entry: CacheEntry | undefined): Promise<SourceOutcome> | SourceOutcome {
    const at = now();
    if (entry?.value !== undefined && at < entry.value.freshUntil) {
      return { source, value: entry.value, stale: false, error: undefined };
    }
    if (entry?.nextAttemptAt !== undefined && at < entry.nextAttemptAt) {
      const error = entry.lastError ?? {
        code: 'upstream_error' as const,
        message: 'The source failed recently',
      };
      return serveStale(source, entry.value, { code: error.code, message: error.message });
    }
    return refreshOnce(source, entry);
  }

  return {
    /** Cached values for these sources, refreshing (at most once each) what is due. */
    async getSources(sources: readonly SourceId[]): Promise<SourceOutcome[]> {
      const entries = await readEntries(sources);
      return Promise.all(sources.map((source) => resolve(source, entries.get(source))));
    },

    /** For the scheduled refresher: refresh only the sources that are due. */
    async refreshDue(
      sources: readonly SourceId[],
    ): Promise<Array<{ source: SourceId; refreshed: boolean; error?: SourceError }>> {
      const entries = await store.readLatest(sources);
      const at = now();
      return Promise.all(
        sources.map(async (source) => {
          const entry = entries.get(source);
          const fresh = entry?.value !== undefined && at < entry.value.freshUntil;
          const backingOff = entry?.nextAttemptAt !== undefined && at < entry.nextAttemptAt;
          if (fresh || backingOff) return { source, refreshed: false };
          const outcome = await refreshOnce(source, entry);
          return outcome.error === undefined
            ? { source, refreshed: true }
            : { source, refreshed: false, error: outcome.error };
        }),
      );
    },
  };
}

export type RateService = ReturnType<typeof createRateService>;
