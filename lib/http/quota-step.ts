import { getConfig } from '../config.js';
import type { Plan } from '../core/plan.js';
import { getTableClient } from '../db/client.js';
import { describeError, logger } from '../log.js';
import { consumeQuota } from '../quota/consume-quota.js';
import { createDynamoQuotaStore } from '../quota/quota-store.js';
import { type QuotaDecision, quotaHeaders } from '../quota/rule.js';
import { HttpProblemError, serviceUnavailable } from './problem.js';

/**
 * The quota as one step of the request gate (lib/http/gate.ts): takes one request from
 * the caller's windows and answers the RateLimit-Policy / RateLimit headers to send, or
 * throws the problem to answer instead: 429 (with those headers and Retry-After) when a
 * window is used up, 503 (Retry-After: 5) when the quota store cannot be read.
 */
export type ConsumeFn = (input: { clientId: string; plan: Plan; nowMs: number }) => Promise<QuotaDecision>;

/** The deployed quota: the DynamoDB store (both windows, one item) and the configured limits. */
export const consumeFromTable: ConsumeFn = (input) =>
  consumeQuota(createDynamoQuotaStore(getTableClient()), { ...input, limits: getConfig().quota });

export async function takeQuota(
  consume: ConsumeFn,
  input: { clientId: string; plan: Plan; nowMs: number },
): Promise<Record<string, string>> {
  let decision: QuotaDecision;
  try {
    decision = await consume(input);
  } catch (error) {
    logger.error('quota check failed', { error: describeError(error) });
    throw serviceUnavailable('The request quota could not be checked; retry shortly.', {
      cause: error,
      headers: { 'Retry-After': '5' },
    });
  }
  const headers = quotaHeaders(decision);
  if (!decision.admitted) {
    const refused = decision.outcomes.find((outcome) => !outcome.admitted);
    throw new HttpProblemError(
      429,
      'Too Many Requests',
      `The ${refused?.window.name ?? 'request'} quota of the ${input.plan} plan is used up; retry after ${headers['Retry-After']} seconds.`,
      { headers },
    );
  }
  return headers;
}
