/**
 * How much of the monthly Fixer budget a dated (historical) call may spend. The live refresh
 * and the dated answers share one counter; the live refresh must never be cut off by dated
 * calls, so the calls it will still need until the month ends are kept for it.
 */

/** Instant (ms) the UTC month containing `at` ends. */
function utcMonthEnd(at: number): number {
  const date = new Date(at);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/**
 * The live refresh's calls still needed from `at` to the end of its UTC month:
 * ceil(ms left in the month / the Fixer minimum interval) + 1 (the call now or on restart).
 * Pure. `minIntervalMs` is the rate policy's `fixerMinIntervalMs` (FIXER_MIN_INTERVAL_S).
 */
export function liveFixerReserve(at: number, minIntervalMs: number): number {
  if (!(minIntervalMs > 0)) throw new RangeError(`minIntervalMs must be > 0: ${minIntervalMs}`);
  return Math.ceil((utcMonthEnd(at) - at) / minIntervalMs) + 1;
}

/**
 * The monthly count a dated Fixer call must stay below: a dated call is allowed only while
 * calls_this_month + liveFixerReserve(at, minIntervalMs) < monthlyBudget, i.e. while
 * calls_this_month < the number returned (0: no dated call this month). Pure.
 */
export function datedFixerCallLimit(monthlyBudget: number, at: number, minIntervalMs: number): number {
  return Math.max(0, monthlyBudget - liveFixerReserve(at, minIntervalMs));
}

/** Whether a dated Fixer call may spend budget now (the same rule as `datedFixerCallLimit`). */
export function datedFixerCallAllowed(
  callsThisMonth: number,
  monthlyBudget: number,
  at: number,
  minIntervalMs: number,
): boolean {
  return callsThisMonth < datedFixerCallLimit(monthlyBudget, at, minIntervalMs);
}
