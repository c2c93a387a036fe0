import { ProviderError } from '../core/provider-error.js';
import { FIXER_FIRST_DATE } from './coverage.js';
import { datedFixerCallLimit } from './fixer-reserve.js';
import { underLease } from './flights.js';
import { assertDate, assertRange, type ReaderContext } from './reader-deps.js';
import type { FixerDay } from './types.js';

/**
 * `HistoryReader.fixerOn` and `storedFixer`: one Fixer historical call per date, ever,
 * counted against the same monthly budget as the live refresh but never against the part
 * of it the live refresh still needs this month (lib/history/fixer-reserve.ts); stored days
 * are read only.
 */

const DAY_MS = 86_400_000;

/**
 * Fixer's refusals of a past date that will not change: 106 (no rates for that date) and
 * 302 (invalid date). This instance answers them again from memory for a day instead of
 * spending budget on the same refusal every minute.
 */
const LASTING_REFUSALS: ReadonlySet<string | number> = new Set([106, 302, '106', '302']);
const LASTING_REFUSAL_BACKOFF_MS = DAY_MS;

function backoffFor(error: ProviderError): number {
  return error.upstreamCode !== undefined && LASTING_REFUSALS.has(error.upstreamCode)
    ? LASTING_REFUSAL_BACKOFF_MS
    : 0;
}

/** Under the lease: look again, count the call against the budget, call, store. */
async function fetchFixerDay(ctx: ReaderContext, date: string): Promise<FixerDay> {
  const {
    store,
    countFixerCall,
    fetchFixerDay: fetchDay,
    fixerMonthlyBudget,
    fixerMinIntervalMs,
    now,
  } = ctx.deps;
  const stored = await store.readFixerDay(date);
  if (stored !== undefined) return stored;
  // Counted (conditionally) before the call, so a crash mid-call still shows in the budget.
  const at = now();
  if (!(await countFixerCall(at, datedFixerCallLimit(fixerMonthlyBudget, at, fixerMinIntervalMs)))) {
    throw new ProviderError(
      'quota_exhausted',
      `Of our monthly budget of ${fixerMonthlyBudget} Fixer calls, the calls left this month are kept for the live rate`,
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
  return ctx.flights.once(
    key,
    async () => {
      await ctx.deps.assertConfigured('fixer');
      const lease = { ...ctx.deps, sleep: ctx.sleep };
      return underLease(
        lease,
        key,
        () => store.readFixerDay(date),
        () => fetchFixerDay(ctx, date),
      );
    },
    backoffFor,
  );
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
