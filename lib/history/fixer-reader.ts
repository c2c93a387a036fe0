import { ProviderError } from '../core/provider-error.js';
import { FIXER_FIRST_DATE } from './coverage.js';
import { underLease } from './flights.js';
import { assertDate, assertRange, type ReaderContext } from './reader-deps.js';
import type { FixerDay } from './types.js';

/**
 * `HistoryReader.fixerOn` and `storedFixer`: one Fixer historical call per date, ever,
 * counted against the same monthly budget as the live refresh; stored days are read only.
 */

const DAY_MS = 86_400_000;

/** Under the lease: look again, count the call against the budget, call, store. */
async function fetchFixerDay(ctx: ReaderContext, date: string): Promise<FixerDay> {
  const { store, countFixerCall, fetchFixerDay: fetchDay, fixerMonthlyBudget, now } = ctx.deps;
  const stored = await store.readFixerDay(date);
  if (stored !== undefined) return stored;
  // Counted (conditionally) before the call, so a crash mid-call still shows in the budget.
  if (!(await countFixerCall(now()))) {
    throw new ProviderError(
      'quota_exhausted',
      `Our monthly budget of ${fixerMonthlyBudget} Fixer calls is spent`,
    );
  }
  const answer = await fetchDay(date);
  return store.writeFixerDay({ ...answer, fetchedAt: now() });
}

/** Fixer on one past date: from the store, else one call (single-flight, lease, budget). */
export async function readFixerOn(ctx: ReaderContext, date: string): Promise<FixerDay> {
  assertDate(date, 'date');
  if (date < FIXER_FIRST_DATE) {
    throw new ProviderError('before_history', `Fixer's history starts on ${FIXER_FIRST_DATE}`);
  }
  // Fixer's dates are UTC days: a day's rates are final once that UTC day is over.
  if (ctx.deps.now() < Date.parse(`${date}T00:00:00Z`) + DAY_MS) {
    throw new ProviderError('not_published', `Fixer's rates for ${date} are final only after that UTC day`);
  }
  const { store } = ctx.deps;
  const stored = await store.readFixerDay(date);
  if (stored !== undefined) return stored;
  const key = `fixer#${date}`;
  return ctx.flights.once(key, async () => {
    await ctx.deps.assertConfigured('fixer');
    const lease = { ...ctx.deps, sleep: ctx.sleep };
    return underLease(
      lease,
      key,
      () => store.readFixerDay(date),
      () => fetchFixerDay(ctx, date),
    );
  });
}

/** Only the Fixer days already stored in [from, to]; never calls Fixer. */
export async function readStoredFixer(
  ctx: ReaderContext,
  from: string,
  to: string,
): Promise<readonly FixerDay[]> {
  assertRange(from, to);
  return ctx.deps.store.readFixerDays(from, to);
}
