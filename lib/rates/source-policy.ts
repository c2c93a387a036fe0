/**
 * What differs between sources when the cache calls them, as data: the least time between
 * two calls whatever the source answers, and a monthly call budget where the upstream's
 * plan sets one. The orchestration (refresh-coordinator.ts, upstream-call.ts) reads these
 * fields and never asks which source it holds. When each source's value is next expected
 * is freshness.ts's rule.
 */
import type { SourceId } from '../core/rate.js';

export interface SourcePolicy {
  /** How messages name the source. */
  label: string;
  /** The least time between two calls to the source, whatever it answers (ms). */
  minCallSpacingMs: number;
  /**
   * Calls allowed per Mexico City calendar month: a hard stop, counted (conditionally)
   * before each call, so a crash mid-call still shows in the budget. Undefined: no budget,
   * the call is counted alongside it (no DynamoDB round trip added to the user's wait).
   */
  monthlyBudget: number | undefined;
}

/** The configured numbers the per-source policies are built from (RatePolicy has them all). */
export interface SourcePolicyNumbers {
  fixerMinIntervalMs: number;
  fixerMonthlyBudget?: number;
  retryLateMs: number;
  errorBackoffMs: number;
}

/** The Banxico sources publish on a schedule and have no budget: the shorter of backoff and late retry. */
function scheduledSource(label: string) {
  return (numbers: SourcePolicyNumbers): SourcePolicy => ({
    label,
    minCallSpacingMs: Math.min(numbers.errorBackoffMs, numbers.retryLateMs),
    monthlyBudget: undefined,
  });
}

const POLICIES: Readonly<Record<SourceId, (numbers: SourcePolicyNumbers) => SourcePolicy>> = {
  // The free plan's 100 calls a month: one call per interval, and the budget as a hard stop.
  fixer: (numbers) => ({
    label: 'Fixer',
    minCallSpacingMs: numbers.fixerMinIntervalMs,
    monthlyBudget: numbers.fixerMonthlyBudget,
  }),
  dof: scheduledSource('DOF page'),
  banxico: scheduledSource('Banxico SIE'),
};

export function sourcePolicy(source: SourceId, numbers: SourcePolicyNumbers): SourcePolicy {
  return POLICIES[source](numbers);
}
