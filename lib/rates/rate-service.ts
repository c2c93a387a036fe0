import { mexicoCityDate } from '../core/mexico-time.js';
import { ProviderError } from '../core/provider-error.js';
import { type ParsedSource, SETTLEMENT_DATED_KEYS, type SourceId } from '../core/rate.js';
import { describeError, logger } from '../log.js';
import type { CachedValue, CacheEntry, RateCacheStore } from './cache-store.js';
import {
  entryState,
  type RefreshAnswer,
  type SourceError,
  settleRefresh,
  staleOrExpired,
} from './entry-state.js';
import { freshnessFor } from './freshness.js';
import { assertSourceTimes, hasValidTimes } from './time-checks.js';

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

export type { SourceError };

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
  /**
   * Why this source cannot be called at all (its credentials are not configured), or
   * undefined. A configuration state, not an upstream failure: no call, no budget, no backoff.
   */
  missingConfiguration?: (source: SourceId) => Promise<SourceError | undefined>;
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
  // A settlement-dated rate (SF60653) runs ahead of the source's own data: freshness goes by the others.
  const dataDate = newest(
    parsed.rates.filter((rate) => !SETTLEMENT_DATED_KEYS.has(rate.key)).map((rate) => rate.date),
  );
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

/** What a request that found another instance refreshing, and nothing it may serve, is told. */
const IN_PROGRESS: SourceError = {
  code: 'timeout',
  message: 'Another refresh of this source is still in progress',
};

/** Codes that mean "the source answered, but not with something we may store". */
const INVALID_ANSWER_CODES: ReadonlySet<SourceError['code']> = new Set(['invalid_value', 'layout_changed']);

/**
 * A stored value that fails today's time checks (stored before dates were checked, e.g. a
 * FIX dated tomorrow) is not served: the entry reads as holding no value, and its version
 * is remembered so that the next good value may replace it.
 */
function withoutInvalidValue(
  source: SourceId,
  entry: CacheEntry | undefined,
  at: number,
): { entry: CacheEntry | undefined; replacing: string | undefined } {
  if (entry?.value === undefined || hasValidTimes(entry.value.parsed, source, at))
    return { entry, replacing: undefined };
  return { entry: { ...entry, value: undefined }, replacing: entry.value.dataVersion };
}

/**
 * The cache in front of the upstreams. A request never causes more than one upstream
 * call per source and refresh: concurrent callers in this instance share one promise
 * (single-flight), other instances lose the DynamoDB lease and serve what is stored. What
 * an entry calls for and how a refresh settles it is decided by entry-state.ts (pure);
 * this file does the I/O around those decisions.
 */
export function createRateService(deps: RateServiceDeps) {
  const { store, policy, now } = deps;
  const sleep = deps.sleep ?? defaultSleep;
  const inflight = new Map<SourceId, Promise<SourceOutcome>>();
  const memoryTtlMs = policy.memoryTtlMs ?? 0;
  const memory = new Map<SourceId, { entry: CacheEntry; until: number }>();

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
      // Only what needs no refresh (fresh, late, backing off) is remembered, and only while
      // that stays true, so no instance (nor the refresher) rewrites it meanwhile.
      const state = entryState(withoutInvalidValue(source, entry, at).entry, at);
      if (memoryTtlMs > 0 && 'until' in state)
        memory.set(source, { entry, until: Math.min(at + memoryTtlMs, state.until) });
    }
    return entries;
  }

  function serveStale(source: SourceId, value: CachedValue | undefined, error: SourceError): SourceOutcome {
    if (value !== undefined && staleOrExpired(value, now(), policy) === 'stale') {
      return { source, value, stale: true, error };
    }
    return { source, value: undefined, stale: false, error };
  }

  /** A value another instance stored as it stands now: `stale: false` only while its fresh_until is ahead. */
  function serveStored(source: SourceId, value: CachedValue): SourceOutcome {
    if (now() < value.freshUntil) return { source, value, stale: false, error: undefined };
    const served = serveStale(source, value, IN_PROGRESS);
    return served.value === undefined ? served : { ...served, error: undefined };
  }

  function lastFailure(entry: CacheEntry): SourceError {
    const error = entry.lastError ?? {
      code: 'upstream_error' as const,
      message: 'The source failed recently',
    };
    return { code: error.code, message: error.message };
  }

  async function waitForWinner(source: SourceId, previous: CacheEntry | undefined, started: number) {
    if (previous?.value !== undefined) {
      // Someone else is refreshing: serve what we have, marked stale since it expired
      // (unless it is too old to serve at all).
      const served = serveStale(source, previous.value, IN_PROGRESS);
      return served.value === undefined ? served : { ...served, error: undefined };
    }
    const deadline = started + policy.waitForWinnerMs;
    const previousErrorAt = previous?.lastError?.at;
    let interval = policy.pollIntervalMs;
    while (now() < deadline) {
      // Growing, jittered polls: many waiting instances must not flood the table.
      await sleep(Math.min(interval, Math.max(0, deadline - now())) * (0.75 + Math.random() / 2));
      interval = Math.min(interval * 1.5, 500);
      const entry = withoutInvalidValue(source, (await store.readLatest([source])).get(source), now()).entry;
      if (entry?.value !== undefined) return serveStored(source, entry.value);
      if (entry?.lastError !== undefined && entry.lastError.at !== previousErrorAt) {
        return serveStale(source, undefined, lastFailure(entry));
      }
    }
    return serveStale(source, undefined, IN_PROGRESS);
  }

  /** One upstream call, its answer validated (shape by the parser, time here) but not yet stored. */
  async function callUpstream(source: SourceId, started: number): Promise<RefreshAnswer> {
    const month = mexicoCityDate(new Date(started)).slice(0, 7);
    const day = mexicoCityDate(new Date(started));
    try {
      let parsed: ParsedSource;
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
      const fetchedAt = now();
      assertSourceTimes(parsed, source, fetchedAt);
      for (const warning of parsed.warnings ?? [])
        logger.warn('source disagrees with itself', { source, warning });
      return { kind: 'value', value: toCachedValue(source, parsed, fetchedAt, policy) };
    } catch (error) {
      const failure = toSourceError(error);
      // One line per failure, with its cause (error messages never hold a key: URLs are redacted).
      logger.warn('upstream refresh failed', {
        source,
        code: failure.code,
        detail: failure.message,
        ...(error instanceof Error && error.cause !== undefined ? { cause: describeError(error.cause) } : {}),
      });
      return INVALID_ANSWER_CODES.has(failure.code)
        ? { kind: 'invalid', error: failure }
        : { kind: 'failure', error: failure };
    }
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
      const current = withoutInvalidValue(source, (await store.readLatest([source])).get(source), now());
      const state = entryState(current.entry, now());
      if ((state.state === 'fresh' || state.state === 'late') && current.entry?.value !== undefined) {
        return { source, value: current.entry.value, stale: false, error: undefined };
      }
      if (state.state === 'backing_off' && current.entry !== undefined) {
        return serveStale(source, current.entry.value, lastFailure(current.entry));
      }
      const stored = current.entry?.value ?? withoutInvalidValue(source, previous, started).entry?.value;
      const answer = await callUpstream(source, started);
      const settlement = settleRefresh(source, stored, answer, started, policy);
      switch (settlement.kind) {
        case 'failed': {
          const { error } = settlement;
          await store.recordFailure(
            source,
            { code: error.code, message: error.message, at: started },
            settlement.settledUntil,
            started,
          );
          // The backoff outlasts the lease, so releasing it would change nothing but add a
          // round trip to the user's wait: let it expire.
          keepLease = settlement.settledUntil - started >= policy.leaseMs;
          return serveStale(source, stored, error);
        }
        case 'checked': {
          // Nothing newer upstream: the stored value stays, settled until the next check.
          if (await store.markChecked(source, settlement.value)) {
            return { source, value: settlement.value, stale: false, error: undefined };
          }
          break;
        }
        case 'store': {
          const written = await store.writeLatest(source, settlement.value, current.replacing);
          if (written) {
            await store.writeHistory(source, settlement.value.parsed.rates, settlement.value.fetchedAt);
            return { source, value: settlement.value, stale: false, error: undefined };
          }
          break;
        }
      }
      // A newer value (or check) landed meanwhile: serve what is stored, never ours.
      const latest = (await store.readLatest([source])).get(source)?.value;
      return latest === undefined ? serveStored(source, settlement.value) : serveStored(source, latest);
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

  async function refreshUnlessUnconfigured(
    source: SourceId,
    entry: CacheEntry | undefined,
  ): Promise<SourceOutcome> {
    const missing = await deps.missingConfiguration?.(source);
    // Nothing is called, counted or recorded: configuring the source makes it work at once.
    if (missing !== undefined) return serveStale(source, entry?.value, missing);
    return refreshOnce(source, entry);
  }

  function resolve(source: SourceId, raw: CacheEntry | undefined): Promise<SourceOutcome> | SourceOutcome {
    const at = now();
    const { entry } = withoutInvalidValue(source, raw, at);
    const state = entryState(entry, at);
    switch (state.state) {
      case 'fresh':
      case 'late':
        return { source, value: entry?.value, stale: false, error: undefined };
      case 'backing_off':
        return serveStale(
          source,
          entry?.value,
          entry === undefined ? { code: 'upstream_error', message: '' } : lastFailure(entry),
        );
      case 'empty':
      case 'due':
        return refreshUnlessUnconfigured(source, raw);
    }
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
          const state = entryState(withoutInvalidValue(source, entry, at).entry, at);
          if (state.state !== 'due' && state.state !== 'empty') return { source, refreshed: false };
          const outcome = await refreshUnlessUnconfigured(source, entry);
          return outcome.error === undefined
            ? { source, refreshed: true }
            : { source, refreshed: false, error: outcome.error };
        }),
      );
    },
  };
}

export type RateService = ReturnType<typeof createRateService>;
