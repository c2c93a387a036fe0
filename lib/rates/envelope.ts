import { RATE_KEYS, type RateKey, type RateKind, type SourceId } from '../core/rate.js';
import { logger } from '../log.js';
import { type Consistency, checkConsistency, failedChecks } from './consistency.js';
import { secondsUntil } from './freshness.js';
import type { CachedValue } from './rate-store.js';
import type { SourceError, SourceOutcome } from './serving.js';

/** One rate as the API shows it (README "Rate shape"). */
export interface ApiRate {
  value: number;
  date: string;
  last_updated: string;
  kind: RateKind;
  source: string;
  fetched_at: string;
  stale: boolean;
  /** Only on stale values: seconds since we fetched it. */
  age_seconds?: number;
  fresh_until: string;
  next_update: string;
  provenance: Readonly<Record<string, string | number>>;
}

/** A source's error as the API shows it (snake_case like the rest of the body). */
export interface ApiSourceError {
  code: SourceError['code'];
  message: string;
  retry_after_seconds?: number;
}

export interface RatesBody {
  base: 'USD';
  quote: 'MXN';
  rates: Partial<Record<RateKey, ApiRate>>;
  errors: Partial<Record<SourceId, ApiSourceError>>;
  /** The identities between the served sources (consistency.ts). */
  consistency: Consistency;
}

export interface RatesAnswer {
  body: RatesBody;
  /** Seconds until the earliest "fresh until" among the returned rates (0 once any is stale). */
  maxAgeSeconds: number;
  /** Seconds a client should wait before asking again when nothing could be served. */
  retryAfterSeconds: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

function toApiRates(value: CachedValue, stale: boolean, now: number): Array<[RateKey, ApiRate]> {
  return value.parsed.rates.map((rate) => [
    rate.key,
    {
      value: rate.value,
      date: rate.date,
      last_updated: rate.lastUpdated,
      kind: rate.kind,
      source: rate.source,
      fetched_at: iso(value.fetchedAt),
      stale,
      ...(stale ? { age_seconds: Math.max(0, Math.floor((now - value.fetchedAt) / 1000)) } : {}),
      fresh_until: iso(value.freshUntil),
      next_update: iso(value.nextExpectedUpdate),
      provenance: rate.provenance,
    },
  ]);
}

/** What this instance already warned about: a disagreement is logged once, not per request. */
const warned = new Set<string>();

/** A false check logs a warning with both values (once per instance and distinct values). */
function warnOnDisagreement(consistency: Consistency): void {
  for (const failed of failedChecks(consistency)) {
    const key = JSON.stringify(failed);
    if (warned.has(key)) continue;
    if (warned.size >= 100) warned.clear();
    warned.add(key);
    logger.warn('sources disagree', { check: failed.check, ...failed.detail });
  }
}

/** The consistency block over the served rates and the DOF page's FIX column. */
function consistencyOf(
  rates: Partial<Record<RateKey, ApiRate>>,
  outcomes: readonly SourceOutcome[],
): Consistency {
  const dofPage = outcomes.find((outcome) => outcome.source === 'dof')?.value;
  const consistency = checkConsistency({ rates, dofPageFixByDate: dofPage?.parsed.fixByDate });
  warnOnDisagreement(consistency);
  return consistency;
}

export function buildRatesAnswer(outcomes: readonly SourceOutcome[], now: number): RatesAnswer {
  const rates: Partial<Record<RateKey, ApiRate>> = {};
  const errors: Partial<Record<SourceId, ApiSourceError>> = {};
  let maxAge = Number.POSITIVE_INFINITY;
  let retryAfter = 60;
  for (const outcome of outcomes) {
    if (outcome.error !== undefined) {
      const { code, message, retryAfterSeconds } = outcome.error;
      errors[outcome.source] = {
        code,
        message,
        ...(retryAfterSeconds === undefined ? {} : { retry_after_seconds: retryAfterSeconds }),
      };
      if (retryAfterSeconds !== undefined) retryAfter = Math.max(1, retryAfterSeconds);
    }
    if (outcome.value === undefined) continue;
    for (const [key, rate] of toApiRates(outcome.value, outcome.stale, now)) rates[key] = rate;
    maxAge = Math.min(maxAge, outcome.stale ? 0 : secondsUntil(outcome.value.freshUntil, now));
  }
  // Keys in a stable order, so equal answers have equal bytes (and ETags).
  const ordered: Partial<Record<RateKey, ApiRate>> = {};
  for (const key of RATE_KEYS) {
    const rate = rates[key];
    if (rate !== undefined) ordered[key] = rate;
  }
  return {
    body: {
      base: 'USD',
      quote: 'MXN',
      rates: ordered,
      errors,
      consistency: consistencyOf(ordered, outcomes),
    },
    maxAgeSeconds: Number.isFinite(maxAge) ? maxAge : 0,
    retryAfterSeconds: retryAfter,
  };
}
