/** The client plans and their request limits: data every layer may read. */

export const PLANS = ['free', 'pro'] as const;
export type Plan = (typeof PLANS)[number];

export function isPlan(value: unknown): value is Plan {
  return typeof value === 'string' && (PLANS as readonly string[]).includes(value);
}

export interface PlanLimits {
  perMinute: number;
  perDay: number;
}

export type QuotaLimits = Readonly<Record<Plan, PlanLimits>>;

export const DEFAULT_QUOTA_LIMITS: QuotaLimits = {
  free: { perMinute: 30, perDay: 1000 },
  pro: { perMinute: 300, perDay: 50_000 },
};
