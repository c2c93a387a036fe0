import type { Plan, QuotaLimits } from '../core/plan.js';
import { type QuotaDecision, quotaWindows, type WindowOutcome, windowSpan } from './rule.js';

/** Old windows stay a little past their end (for inspection), then DynamoDB TTL collects them. */
const GC_GRACE_SECONDS = 3600;

/** The windows one request asks for: the current minute and day of one client. */
export interface QuotaTake {
  clientId: string;
  minute: { start: number; limit: number };
  day: { start: number; limit: number };
  /** Epoch seconds after which the client's item may be collected. */
  expiresAt: number;
}

/** Counts after the take when admitted; the counts that refused it otherwise. */
export interface TakeResult {
  admitted: boolean;
  minuteCount: number;
  dayCount: number;
}

/**
 * Storage port: both windows of a client in one item, taken together in one atomic
 * conditional write, so they are charged both or neither (lib/quota/quota-store.ts).
 */
export interface QuotaStore {
  take(request: QuotaTake): Promise<TakeResult>;
}

export interface ConsumeQuotaInput {
  clientId: string;
  plan: Plan;
  limits: QuotaLimits;
  nowMs: number;
}

/** Takes one request from the client's minute and day windows, or from neither. */
export async function consumeQuota(store: QuotaStore, input: ConsumeQuotaInput): Promise<QuotaDecision> {
  const windows = quotaWindows(input.limits[input.plan]);
  const [minute, day] = windows.map((window) => ({ window, span: windowSpan(window, input.nowMs) })) as [
    { window: (typeof windows)[number]; span: ReturnType<typeof windowSpan> },
    { window: (typeof windows)[number]; span: ReturnType<typeof windowSpan> },
  ];
  const result = await store.take({
    clientId: input.clientId,
    minute: { start: minute.span.start, limit: minute.window.limit },
    day: { start: day.span.start, limit: day.window.limit },
    expiresAt: day.span.end + GC_GRACE_SECONDS,
  });
  const outcome = ({ window, span }: typeof minute, count: number): WindowOutcome => ({
    window,
    admitted: result.admitted || count < window.limit,
    remaining: Math.max(0, window.limit - count),
    resetSeconds: span.resetSeconds,
  });
  return {
    admitted: result.admitted,
    outcomes: [outcome(minute, result.minuteCount), outcome(day, result.dayCount)],
    windows,
  };
}
