/**
 * The quota rule, free of storage: which windows a plan has, where the current window
 * starts, and how the outcome is told to the client with the IETF RateLimit headers
 * (draft-ietf-httpapi-ratelimit-headers: `RateLimit-Policy` lists every window,
 * `RateLimit` reports the one closest to refusing).
 */

import type { PlanLimits } from '../core/plan.js';

export type WindowName = 'minute' | 'day';

export interface QuotaWindow {
  name: WindowName;
  limit: number;
  seconds: number;
}

/** Shortest window first: it refuses most often, so trying it first rarely needs a refund. */
export function quotaWindows(limits: PlanLimits): QuotaWindow[] {
  return [
    { name: 'minute', limit: limits.perMinute, seconds: 60 },
    { name: 'day', limit: limits.perDay, seconds: 86_400 },
  ];
}

export interface WindowSpan {
  /** Epoch seconds at which the fixed window began (UTC-aligned). */
  start: number;
  /** Epoch seconds at which it ends and a new one begins. */
  end: number;
  /** Whole seconds until `end`, at least 1. */
  resetSeconds: number;
}

export function windowSpan(window: Pick<QuotaWindow, 'seconds'>, nowMs: number): WindowSpan {
  const nowSeconds = nowMs / 1000;
  const start = Math.floor(nowSeconds / window.seconds) * window.seconds;
  const end = start + window.seconds;
  return { start, end, resetSeconds: Math.max(1, Math.ceil(end - nowSeconds)) };
}

export interface WindowOutcome {
  window: QuotaWindow;
  admitted: boolean;
  /** Requests still allowed in this window after this one. */
  remaining: number;
  resetSeconds: number;
}

export interface QuotaDecision {
  admitted: boolean;
  /** Every window that was consulted (a refusal stops before the later windows). */
  outcomes: WindowOutcome[];
  windows: QuotaWindow[];
}

export function formatRateLimitPolicy(windows: readonly QuotaWindow[]): string {
  return windows.map((w) => `"${w.name}";q=${w.limit};w=${w.seconds}`).join(', ');
}

/** The most restrictive window: fewest requests left, and of those the longest wait. */
export function mostRestrictive(outcomes: readonly WindowOutcome[]): WindowOutcome | undefined {
  let worst: WindowOutcome | undefined;
  for (const outcome of outcomes) {
    if (
      worst === undefined ||
      outcome.remaining < worst.remaining ||
      (outcome.remaining === worst.remaining && outcome.resetSeconds > worst.resetSeconds)
    ) {
      worst = outcome;
    }
  }
  return worst;
}

export function formatRateLimit(outcome: WindowOutcome): string {
  return `"${outcome.window.name}";r=${outcome.remaining};t=${outcome.resetSeconds}`;
}

/** Headers for any answer; a refusal also says when to come back. */
export function quotaHeaders(decision: QuotaDecision): Record<string, string> {
  const headers: Record<string, string> = { 'RateLimit-Policy': formatRateLimitPolicy(decision.windows) };
  const worst = mostRestrictive(decision.outcomes);
  if (worst !== undefined) headers.RateLimit = formatRateLimit(worst);
  if (!decision.admitted && worst !== undefined) headers['Retry-After'] = String(worst.resetSeconds);
  return headers;
}
