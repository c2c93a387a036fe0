import { isRecord } from '../../lib/core/json.js';
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

/**
 * The consistency checks the server states in every rates answer (`consistency`, after
 * `errors`; shape in openapi.yaml): the smoke reports the server's verdicts and never
 * recomputes a rule (DOF(D) = FIX(previous banking day) lives on the server only).
 */
export const CONSISTENCY_CHECKS = {
  dof_vs_fix: 'DOF(D) = FIX(previous banking day)',
  fixer_vs_fix: 'Fixer close to the FIX',
  para_pagos_vs_sf60653: 'para pagos = SF60653 on banking days',
} as const;
export type ConsistencyCheckName = keyof typeof CONSISTENCY_CHECKS;

/** How a side of a check is named in a figure: `DOF(2020-11-17) = 20.4833`. */
const SIDE_LABELS: Readonly<Record<string, string>> = {
  dof: 'DOF',
  fix: 'FIX',
  fixer: 'Fixer',
  para_pagos: 'para pagos',
  sf60653: 'SF60653',
};

function isRateLike(value: unknown): value is RateLike {
  return isRecord(value) && typeof value.value === 'number' && typeof value.date === 'string';
}

/** The sides the server compared, in its order, and the spreads it measured. */
function describeSides(check: Record<string, unknown>): string {
  const sides = Object.entries(check).flatMap(([key, side]) => {
    const label = SIDE_LABELS[key];
    if (label === undefined) return [];
    return [isRateLike(side) ? `${label}(${side.date}) = ${side.value}` : `${label} missing`];
  });
  const spreads = [
    typeof check.spread_pesos === 'number' ? `${check.spread_pesos} pesos` : undefined,
    typeof check.spread_percent === 'number' ? `${check.spread_percent} %` : undefined,
  ].filter((spread) => spread !== undefined);
  return `${sides.join(', ')}${spreads.length > 0 ? ` (${spreads.join(', ')} apart)` : ''}`;
}

/**
 * The server's verdict on one check of a rates answer's `consistency` block: `ok` true is a
 * pass, false a failure, null not checkable (with the server's `reason`). An answer without
 * the block, or with a check of another shape, cannot be judged.
 */
export function judgeConsistency(body: unknown, name: ConsistencyCheckName): Verdict {
  const block = isRecord(body) ? body.consistency : undefined;
  if (!isRecord(block))
    return { status: 'not-checkable', reason: 'the rates answer has no consistency block' };
  const check = block[name];
  if (
    !isRecord(check) ||
    typeof check.rule !== 'string' ||
    !(typeof check.ok === 'boolean' || check.ok === null)
  ) {
    return { status: 'not-checkable', reason: `the consistency block has no ${name} check` };
  }
  const sides = describeSides(check);
  if (check.ok === true) return { status: 'pass', figure: `${sides} (${check.rule})` };
  if (check.ok === false) return { status: 'fail', reason: `${sides} breaks ${check.rule}` };
  const reason = typeof check.reason === 'string' ? check.reason : 'no reason given';
  return { status: 'not-checkable', reason: `${reason}: ${sides}` };
}

/** The nearest-rank percentile of a non-empty sample. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}
