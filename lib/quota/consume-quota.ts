import type { BoundedCounter, CounterKey } from './counter-store.js';
import {
  type Plan,
  type QuotaDecision,
  type QuotaLimits,
  type QuotaWindow,
  quotaWindows,
  type WindowOutcome,
  windowSpan,
} from './rule.js';

/** Old windows stay a little past their end (for inspection), then DynamoDB TTL collects them. */
const GC_GRACE_SECONDS = 3600;

export function quotaCounterKey(clientId: string, window: QuotaWindow, windowStart: number): CounterKey {
  return { pk: `quota#${clientId}`, sk: `${window.name}#${windowStart}` };
}

export interface ConsumeQuotaInput {
  clientId: string;
  plan: Plan;
  limits: QuotaLimits;
  nowMs: number;
}

/**
 * Takes one request from every window of the client's plan, or from none.
 *
 * Each window is one conditional UpdateItem, so a window never admits more than its
 * limit however many requests race. DynamoDB Local stand-ins (dynalite) have no
 * transactions, so the windows are taken one after the other, shortest first, and a
 * refusal by a later window refunds the earlier ones. Consequence: while a refund is
 * in flight a concurrent request may see the earlier window one too high and be
 * refused; the rule can under-admit by a hair at that instant but never over-admits.
 * Taking the minute first keeps that rare: it only happens when the day is exhausted,
 * and then every request is refused anyway.
 */
export async function consumeQuota(
  counter: BoundedCounter,
  input: ConsumeQuotaInput,
): Promise<QuotaDecision> {
  const windows = quotaWindows(input.limits[input.plan]);
  const outcomes: WindowOutcome[] = [];
  const taken: CounterKey[] = [];
  try {
    for (const window of windows) {
      const span = windowSpan(window, input.nowMs);
      const key = quotaCounterKey(input.clientId, window, span.start);
      const result = await counter.increment(key, window.limit, span.end + GC_GRACE_SECONDS);
      if (!result.admitted) {
        outcomes.push({ window, admitted: false, remaining: 0, resetSeconds: span.resetSeconds });
        await refund(counter, taken.splice(0));
        return { admitted: false, outcomes, windows };
      }
      taken.push(key);
      outcomes.push({
        window,
        admitted: true,
        remaining: Math.max(0, window.limit - result.count),
        resetSeconds: span.resetSeconds,
      });
    }
  } catch (error) {
    // A store failure half-way must not leave the earlier windows charged.
    await refund(counter, taken).catch(() => undefined);
    throw error;
  }
  return { admitted: true, outcomes, windows };
}

async function refund(counter: BoundedCounter, keys: readonly CounterKey[]) {
  await Promise.all(keys.map((key) => counter.decrement(key)));
}
