import { previousBankingDay } from '../../lib/core/banking-calendar.js';
import { MAX_PLAUSIBLE_MXN_PER_USD, MIN_PLAUSIBLE_MXN_PER_USD } from '../../lib/core/plausibility.js';

/**
 * The pure judgements of `npm run smoke` (scripts/smoke.ts): what the figures mean,
 * separate from the HTTP calls so they are tested without a deployment.
 */

export interface RateLike {
  value: number;
  date: string;
}

export type Verdict =
  | { status: 'pass'; figure: string }
  | { status: 'fail'; reason: string }
  | { status: 'not-checkable'; reason: string };

/** Every value a positive MXN per USD within the same bounds the providers enforce. */
export function judgePlausibility(rates: Readonly<Record<string, RateLike>>): Verdict {
  const entries = Object.entries(rates);
  if (entries.length === 0) return { status: 'not-checkable', reason: 'no rate was served' };
  const outside = entries.filter(
    ([, rate]) => !(rate.value >= MIN_PLAUSIBLE_MXN_PER_USD && rate.value <= MAX_PLAUSIBLE_MXN_PER_USD),
  );
  if (outside.length > 0) {
    return {
      status: 'fail',
      reason: `outside ${MIN_PLAUSIBLE_MXN_PER_USD}–${MAX_PLAUSIBLE_MXN_PER_USD}: ${outside.map(([key, rate]) => `${key}=${rate.value}`).join(', ')}`,
    };
  }
  return {
    status: 'pass',
    figure: `${entries.map(([key, rate]) => `${key}=${rate.value}`).join(', ')} (within ${MIN_PLAUSIBLE_MXN_PER_USD}–${MAX_PLAUSIBLE_MXN_PER_USD})`,
  };
}

/** DOF(D) = FIX(previous banking day before D): the DOF prints the FIX on the next banking day. */
export function judgeDofAgainstFix(dof: RateLike | undefined, fix: RateLike | undefined): Verdict {
  if (dof === undefined || fix === undefined) {
    return { status: 'not-checkable', reason: `${dof === undefined ? 'no DOF rate' : 'no FIX rate'} served` };
  }
  const fixDate = previousBankingDay(dof.date);
  if (fix.date !== fixDate) {
    return {
      status: 'not-checkable',
      reason: `DOF of ${dof.date} is the FIX of ${fixDate}, but Banxico served the FIX of ${fix.date}`,
    };
  }
  if (Math.abs(dof.value - fix.value) > 0.00005) {
    return {
      status: 'fail',
      reason: `DOF(${dof.date}) = ${dof.value} but FIX(${fixDate}) = ${fix.value}`,
    };
  }
  return { status: 'pass', figure: `DOF(${dof.date}) = FIX(${fixDate}) = ${fix.value}` };
}

/** Fixer's market mid-rate and the FIX of the same day differ by a fraction of a percent. */
export const MAX_MARKET_DEVIATION = 0.03;

export function judgeMarketAgainstFix(market: RateLike | undefined, fix: RateLike | undefined): Verdict {
  if (market === undefined || fix === undefined) {
    return {
      status: 'not-checkable',
      reason: `${market === undefined ? 'no Fixer rate' : 'no FIX rate'} served`,
    };
  }
  if (market.date !== fix.date) {
    return { status: 'not-checkable', reason: `Fixer is of ${market.date}, the FIX of ${fix.date}` };
  }
  const deviation = Math.abs(market.value - fix.value) / fix.value;
  const figure = `Fixer ${market.value} vs FIX ${fix.value} on ${fix.date}: ${(deviation * 100).toFixed(2)}% apart`;
  return deviation <= MAX_MARKET_DEVIATION
    ? { status: 'pass', figure: `${figure} (≤ ${MAX_MARKET_DEVIATION * 100}%)` }
    : { status: 'fail', reason: `${figure} (> ${MAX_MARKET_DEVIATION * 100}%)` };
}

/** The nearest-rank percentile of a non-empty sample. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}
