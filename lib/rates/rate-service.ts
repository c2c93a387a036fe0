/**
 * The cache in front of the upstreams, assembled from its parts: the entry state machine
 * (entry-state.ts, pure), what a request is told (serving.ts, pure), the refresh
 * coordinator (single-flight, lease, waiting for a winner), the upstream call under the
 * source's policy (upstream-call.ts) and the store behind its port (rate-store.ts). A
 * request never causes more than one upstream call per source and refresh. This file adds
 * the instance memory and the refresher's "only what is due".
 */
import type { ParsedSource, SourceId } from '../core/rate.js';
import { entryState, isSettled, type SourceError } from './entry-state.js';
import type { RatePolicy } from './rate-policy.js';
import type { CacheEntry, RateCacheStore } from './rate-store.js';
import { createRefreshCoordinator } from './refresh-coordinator.js';
import { type SourceOutcome, servedWithoutRefresh, serveStale, withoutInvalidValue } from './serving.js';
import { callUpstream } from './upstream-call.js';

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

/**
 * This instance's copy of entries that need no refresh, each kept until the earlier of
 * `memoryTtlMs` after the read and the end of its settled state, so no instance (nor the
 * refresher) rewrites it meanwhile and no refresh is ever delayed.
 */
function createEntryMemory(store: RateCacheStore, now: () => number, memoryTtlMs: number) {
  const memory = new Map<SourceId, { entry: CacheEntry; until: number }>();
  return async function readEntries(sources: readonly SourceId[]): Promise<Map<SourceId, CacheEntry>> {
    const at = now();
    const entries = new Map<SourceId, CacheEntry>();
    const toRead = sources.filter((source) => {
      const remembered = memory.get(source);
      if (remembered === undefined || at >= remembered.until) return true;
      entries.set(source, remembered.entry);
      return false;
    });
    if (toRead.length === 0) return entries;
    const read = await store.readLatest(toRead);
    for (const source of toRead) {
      const entry = read.get(source);
      memory.delete(source);
      if (entry === undefined) continue;
      entries.set(source, entry);
      const state = entryState(withoutInvalidValue(source, entry, at).entry, at);
      if (memoryTtlMs > 0 && isSettled(state))
        memory.set(source, { entry, until: Math.min(at + memoryTtlMs, state.until) });
    }
    return entries;
  };
}

export function createRateService(deps: RateServiceDeps) {
  const { store, policy, now } = deps;
  const readEntries = createEntryMemory(store, now, policy.memoryTtlMs ?? 0);
  const coordinator = createRefreshCoordinator({
    store,
    call: (source, started) => callUpstream(deps, source, started),
    now,
    policy,
    owner: deps.owner,
    sleep: deps.sleep ?? defaultSleep,
  });

  async function refreshUnlessUnconfigured(source: SourceId, entry: CacheEntry | undefined) {
    const missing = await deps.missingConfiguration?.(source);
    // Nothing is called, counted or recorded: configuring the source makes it work at once.
    if (missing !== undefined) return serveStale(source, entry?.value, missing, now(), policy);
    return coordinator.refreshOnce(source, entry);
  }

  function resolve(source: SourceId, raw: CacheEntry | undefined): Promise<SourceOutcome> | SourceOutcome {
    const at = now();
    const served = servedWithoutRefresh(source, withoutInvalidValue(source, raw, at).entry, at, policy);
    return served ?? refreshUnlessUnconfigured(source, raw);
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
          if (isSettled(entryState(withoutInvalidValue(source, entry, at).entry, at)))
            return { source, refreshed: false };
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
