/**
 * One upstream call and its answer, validated (shape by the parser, times here) but not
 * stored: the budget is counted as the source's policy says, failures become the
 * SourceError the API shows, and each failure is logged once with its cause.
 */
import { mexicoCityDate } from '../core/mexico-time.js';
import { ProviderError } from '../core/provider-error.js';
import { type ParsedSource, SETTLEMENT_DATED_KEYS, type SourceId } from '../core/rate.js';
import { describeError, logger } from '../log.js';
import type { RefreshAnswer, SourceError } from './entry-state.js';
import { freshnessFor } from './freshness.js';
import type { RatePolicy } from './rate-policy.js';
import type { CachedValue, RateCacheStore } from './rate-store.js';
import { sourcePolicy } from './source-policy.js';
import { assertSourceTimes } from './time-checks.js';

export interface UpstreamCallDeps {
  store: Pick<RateCacheStore, 'countUpstreamCall'>;
  fetchSource: (source: SourceId) => Promise<ParsedSource>;
  now: () => number;
  policy: RatePolicy;
}

function newest(values: readonly string[]): string {
  // ISO dates and instants order as strings.
  return [...values].sort().at(-1) ?? '';
}

/** A parsed answer as the cache keeps it, with its freshness computed at `fetchedAt`. */
export function toCachedValue(
  source: SourceId,
  parsed: ParsedSource,
  fetchedAt: number,
  policy: RatePolicy,
): CachedValue {
  // A settlement-dated rate (SF60653) runs ahead of the source's own data: freshness goes by the others.
  const dataDate = newest(
    parsed.rates.filter((rate) => !SETTLEMENT_DATED_KEYS.has(rate.key)).map((rate) => rate.date),
  );
  const { freshUntil, nextExpectedUpdate } = freshnessFor(source, { dataDate, fetchedAt }, policy);
  return {
    parsed,
    dataDate,
    dataVersion: newest(parsed.rates.map((rate) => rate.lastUpdated)),
    fetchedAt,
    freshUntil,
    nextExpectedUpdate,
  };
}

function toSourceError(error: unknown): SourceError {
  if (error instanceof ProviderError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    };
  }
  logger.error('provider failed unexpectedly', { error: describeError(error) });
  return { code: 'upstream_error', message: 'The source failed unexpectedly' };
}

/** Codes that mean "the source answered, but not with something we may store". */
const INVALID_ANSWER_CODES: ReadonlySet<SourceError['code']> = new Set(['invalid_value', 'layout_changed']);

/** Counts the call as the source's policy says (before it under a budget, alongside it otherwise) and makes it. */
async function countedFetch(
  deps: UpstreamCallDeps,
  source: SourceId,
  started: number,
): Promise<ParsedSource> {
  const day = mexicoCityDate(new Date(started));
  const month = day.slice(0, 7);
  const { monthlyBudget, label } = sourcePolicy(source, deps.policy);
  if (monthlyBudget === undefined) {
    const [, parsed] = await Promise.all([
      deps.store.countUpstreamCall(source, month, day),
      deps.fetchSource(source),
    ]);
    return parsed;
  }
  if (!(await deps.store.countUpstreamCall(source, month, day, monthlyBudget))) {
    throw new ProviderError(
      'quota_exhausted',
      `Our monthly budget of ${monthlyBudget} ${label} calls is spent`,
    );
  }
  return deps.fetchSource(source);
}

/** One upstream call, its answer validated but not yet stored. `started` is when the refresh began. */
export async function callUpstream(
  deps: UpstreamCallDeps,
  source: SourceId,
  started: number,
): Promise<RefreshAnswer> {
  try {
    const parsed = await countedFetch(deps, source, started);
    const fetchedAt = deps.now();
    assertSourceTimes(parsed, source, fetchedAt);
    for (const warning of parsed.warnings ?? [])
      logger.warn('source disagrees with itself', { source, warning });
    return { kind: 'value', value: toCachedValue(source, parsed, fetchedAt, deps.policy) };
  } catch (error) {
    const failure = toSourceError(error);
    // One line per failure, with its cause (error messages never hold a key: URLs are redacted).
    logger.warn('upstream refresh failed', {
      source,
      code: failure.code,
      detail: failure.message,
      ...(error instanceof Error && error.cause !== undefined ? { cause: describeError(error.cause) } : {}),
    });
    return INVALID_ANSWER_CODES.has(failure.code)
      ? { kind: 'invalid', error: failure }
      : { kind: 'failure', error: failure };
  }
}
