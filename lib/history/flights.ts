import { ProviderError } from '../core/provider-error.js';
import type { HistoryStore } from './history-store.js';

/**
 * How one instance keeps its upstream calls and table reads few: concurrent callers with
 * the same key share one promise (single-flight), a failed call is answered from memory
 * for a while (backoff), and across instances a DynamoDB lease lets one caller work while
 * the others wait for what it stores (the rate cache's pattern, lib/rates/refresh-coordinator.ts).
 */

/** Errors that only say another instance is still calling: never a reason to back off. */
const waitedOut = new WeakSet<ProviderError>();

function inProgress(what: string): ProviderError {
  const error = new ProviderError('timeout', `Another fetch of ${what} is still in progress`);
  waitedOut.add(error);
  return error;
}

/** A longer backoff (ms, 0: none) for an error that will not change soon. */
export type BackoffFor = (error: ProviderError) => number;

export interface Flights {
  /**
   * Upstream work: concurrent callers share one promise; after a ProviderError, callers get
   * that error again until the backoff ends (nothing is stored, nothing is called).
   * `backoffFor` may ask a longer backoff for an error that will not change (ms, 0: none).
   */
  once<T>(key: string, work: () => Promise<T>, backoffFor?: BackoffFor): Promise<T>;
  /** Table reads: identical concurrent reads share one (a burst for one date is one read). */
  shared<T>(key: string, read: () => Promise<T>): Promise<T>;
}

function sharing(): <T>(key: string, work: () => Promise<T>) => Promise<T> {
  const pending = new Map<string, Promise<unknown>>();
  return <T>(key: string, work: () => Promise<T>) => {
    const running = pending.get(key) as Promise<T> | undefined;
    if (running !== undefined) return running;
    const started = work().finally(() => pending.delete(key));
    pending.set(key, started);
    return started;
  };
}

/** `errorBackoffMs`, or the upstream's own retry-after when longer. */
export function createFlights(now: () => number, errorBackoffMs: number): Flights {
  const failures = new Map<string, { error: ProviderError; until: number }>();
  const single = sharing();
  const remembered = <T>(key: string, work: () => Promise<T>, backoffFor?: BackoffFor) =>
    work().then(
      (value) => {
        failures.delete(key);
        return value;
      },
      (error: unknown) => {
        // Configuring a source must work at once; waiting for another instance is no failure.
        if (error instanceof ProviderError && error.code !== 'not_configured' && !waitedOut.has(error)) {
          const backoff = Math.max(
            errorBackoffMs,
            (error.retryAfterSeconds ?? 0) * 1000,
            backoffFor?.(error) ?? 0,
          );
          failures.set(key, { error, until: now() + backoff });
        }
        throw error;
      },
    );
  return {
    once(key, work, backoffFor) {
      const failed = failures.get(key);
      if (failed !== undefined && now() < failed.until) return Promise.reject(failed.error);
      return single(key, () => remembered(key, work, backoffFor));
    },
    shared: sharing(),
  };
}

export interface LeaseContext {
  store: Pick<HistoryStore, 'acquireLease' | 'releaseLease'>;
  owner: string;
  now(): number;
  sleep(ms: number): Promise<void>;
  policy: { leaseMs: number; waitForWinnerMs: number; pollIntervalMs: number };
}

/**
 * Runs `work` holding the lease `name`. Without it, polls `settled` (growing, jittered
 * polls, so many waiting instances do not flood the table) until the holder's result is
 * stored; past `waitForWinnerMs`, ProviderError('timeout').
 */
export async function underLease<T>(
  ctx: LeaseContext,
  name: string,
  settled: () => Promise<T | undefined>,
  work: () => Promise<T>,
): Promise<T> {
  const { store, owner, now, policy } = ctx;
  if (await store.acquireLease(name, owner, now(), policy.leaseMs)) {
    try {
      return await work();
    } finally {
      // A release that fails leaves the lease to run out.
      await store.releaseLease(name, owner).catch(() => undefined);
    }
  }
  const deadline = now() + policy.waitForWinnerMs;
  let interval = policy.pollIntervalMs;
  while (now() < deadline) {
    await ctx.sleep(interval * (0.75 + Math.random() / 2));
    interval = Math.min(interval * 1.5, 500);
    const result = await settled();
    if (result !== undefined) return result;
  }
  throw inProgress(name);
}
