/**
 * Who may call an upstream, and what everybody else does meanwhile. Concurrent callers in
 * this instance share one promise per source (single-flight); across instances, the one
 * that takes the store's lease calls, the others serve what is stored or, with nothing to
 * serve, poll the store until the winner's value or failure lands. How a refresh settles
 * the entry is entry-state.ts's pure `settleRefresh`; the call itself is injected, so the
 * coordinator runs against any RateCacheStore (tests use an in-memory one).
 */
import type { SourceId } from '../core/rate.js';
import { describeError, logger } from '../log.js';
import { type RefreshAnswer, type Settlement, settleRefresh } from './entry-state.js';
import type { RatePolicy } from './rate-policy.js';
import type { CachedValue, CacheEntry, RateCacheStore } from './rate-store.js';
import {
  IN_PROGRESS,
  lastFailure,
  type SourceOutcome,
  servedWithoutRefresh,
  serveStale,
  serveStored,
  serveWhileRefreshing,
  withoutInvalidValue,
} from './serving.js';

export interface RefreshCoordinatorDeps {
  store: Omit<RateCacheStore, 'countUpstreamCall' | 'readUpstreamCounts'>;
  /** One upstream call, validated, not stored (upstream-call.ts). `started`: when the refresh began. */
  call: (source: SourceId, started: number) => Promise<RefreshAnswer>;
  now: () => number;
  policy: RatePolicy;
  /** Identifies this instance as a lease owner. */
  owner: string;
  sleep: (ms: number) => Promise<void>;
}

/** What a refresh under the lease ends with, and whether the lease is left to expire. */
interface LeasedResult {
  outcome: SourceOutcome;
  keepLease: boolean;
}

async function readOne(deps: RefreshCoordinatorDeps, source: SourceId, at: number) {
  return withoutInvalidValue(source, (await deps.store.readLatest([source])).get(source), at);
}

/** Lost the lease: serve what we have, else poll (growing, jittered) until the winner lands. */
async function waitForWinner(
  deps: RefreshCoordinatorDeps,
  source: SourceId,
  previous: CacheEntry | undefined,
  started: number,
) {
  const { policy, now } = deps;
  // Someone else is refreshing: serve what we have, marked stale since it expired.
  if (previous?.value !== undefined) return serveWhileRefreshing(source, previous.value, now(), policy);
  const deadline = started + policy.waitForWinnerMs;
  const previousErrorAt = previous?.lastError?.at;
  let interval = policy.pollIntervalMs;
  while (now() < deadline) {
    // Many waiting instances must not flood the table.
    await deps.sleep(Math.min(interval, Math.max(0, deadline - now())) * (0.75 + Math.random() / 2));
    interval = Math.min(interval * 1.5, 500);
    const { entry } = await readOne(deps, source, now());
    if (entry?.value !== undefined) return serveStored(source, entry.value, now(), policy);
    if (entry?.lastError !== undefined && entry.lastError.at !== previousErrorAt) {
      return serveStale(source, undefined, lastFailure(entry), now(), policy);
    }
  }
  return serveStale(source, undefined, IN_PROGRESS, now(), policy);
}

/** Writes what the settlement says; undefined when a newer value (or check) landed meanwhile. */
async function applySettlement(
  deps: RefreshCoordinatorDeps,
  source: SourceId,
  settlement: Settlement,
  stored: CachedValue | undefined,
  replacing: string | undefined,
  started: number,
): Promise<LeasedResult | undefined> {
  const { store, policy, now } = deps;
  const current = (value: CachedValue) => ({
    outcome: { source, value, stale: false, error: undefined },
    keepLease: false,
  });
  switch (settlement.kind) {
    case 'failed': {
      const { error, settledUntil } = settlement;
      await store.recordFailure(
        source,
        { code: error.code, message: error.message, at: started },
        settledUntil,
        started,
      );
      // The backoff outlasts the lease, so releasing it would change nothing but add a
      // round trip to the user's wait: let it expire.
      const keepLease = settledUntil - started >= policy.leaseMs;
      return { outcome: serveStale(source, stored, error, now(), policy), keepLease };
    }
    case 'checked':
      // Nothing newer upstream: the stored value stays, settled until the next check.
      return (await store.markChecked(source, settlement.value)) ? current(settlement.value) : undefined;
    case 'store':
      if (!(await store.writeLatest(source, settlement.value, replacing))) return undefined;
      await store.writeHistory(source, settlement.value.parsed.rates, settlement.value.fetchedAt);
      return current(settlement.value);
  }
}

async function refreshHoldingLease(
  deps: RefreshCoordinatorDeps,
  source: SourceId,
  previous: CacheEntry | undefined,
  started: number,
): Promise<LeasedResult> {
  const { store, policy, now } = deps;
  // What we read before taking the lease may predate another instance's refresh that
  // finished (and released its lease) meanwhile: look again before calling the upstream.
  const current = await readOne(deps, source, now());
  const served = servedWithoutRefresh(source, current.entry, now(), policy);
  if (served !== undefined) return { outcome: served, keepLease: false };
  const stored = current.entry?.value ?? withoutInvalidValue(source, previous, started).entry?.value;
  const answer = await deps.call(source, started);
  const settlement = settleRefresh(source, stored, answer, started, policy);
  const applied = await applySettlement(deps, source, settlement, stored, current.replacing, started);
  if (applied !== undefined) return applied;
  // A newer value (or check) landed meanwhile: serve what is stored, never ours.
  const latest = (await store.readLatest([source])).get(source)?.value;
  return {
    outcome: serveStored(source, latest ?? settlementValue(settlement), now(), policy),
    keepLease: false,
  };
}

async function refresh(
  deps: RefreshCoordinatorDeps,
  source: SourceId,
  previous: CacheEntry | undefined,
): Promise<SourceOutcome> {
  const { store, policy, now } = deps;
  const started = now();
  if (!(await store.acquireLease(source, deps.owner, started, policy.leaseMs))) {
    return waitForWinner(deps, source, previous, started);
  }
  let keepLease = false;
  try {
    const result = await refreshHoldingLease(deps, source, previous, started);
    keepLease = result.keepLease;
    return result.outcome;
  } finally {
    if (!keepLease)
      await store.releaseLease(source, deps.owner).catch((error: unknown) => {
        logger.warn('lease release failed; it will expire', { source, error: describeError(error) });
      });
  }
}

export function createRefreshCoordinator(deps: RefreshCoordinatorDeps) {
  const inflight = new Map<SourceId, Promise<SourceOutcome>>();
  return {
    /** Refreshes `source` at most once at a time in this instance, under the store's lease. */
    refreshOnce(source: SourceId, previous: CacheEntry | undefined): Promise<SourceOutcome> {
      let pending = inflight.get(source);
      if (pending === undefined) {
        pending = refresh(deps, source, previous).finally(() => inflight.delete(source));
        inflight.set(source, pending);
      }
      return pending;
    },
  };
}

/** The value a non-failed settlement carries (a failed one never reaches the re-read). */
function settlementValue(settlement: Settlement): CachedValue {
  if (settlement.kind === 'failed') throw new Error('a failed settlement has no value to serve');
  return settlement.value;
}

export type RefreshCoordinator = ReturnType<typeof createRefreshCoordinator>;
