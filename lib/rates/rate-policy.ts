import type { AppConfig } from '../config.js';
import { DEFAULT_RETRY_LATE_MS } from './freshness.js';

/** Every number the rate cache runs with; built from the configuration by `ratePolicyFrom` only. */
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

/** The refresh policy the deployed service runs with (Lambdas, refresher and bench alike). */
export function ratePolicyFrom(config: AppConfig): RatePolicy {
  return {
    maxStaleMs: config.cache.maxStaleSeconds * 1000,
    fixerMinIntervalMs: config.cache.fixerMinIntervalSeconds * 1000,
    fixerMonthlyBudget: config.cache.fixerMonthlyBudget,
    retryLateMs: DEFAULT_RETRY_LATE_MS,
    errorBackoffMs: 60_000,
    // Longer than any Lambda can live (the refresher's timeout is 30 s): a live holder
    // never loses its lease, a crashed one's runs out within a minute.
    leaseMs: 35_000,
    waitForWinnerMs: config.upstream.timeoutMs + 2_000,
    pollIntervalMs: 50,
    memoryTtlMs: config.cache.memoryTtlMs,
  };
}
