import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { CLIENT_ID_PATTERN, CLOCK_TOLERANCE_SECONDS } from '../auth/credentials.js';
import { getConfig } from '../config.js';
import { isPlan, type Plan } from '../core/plan.js';
import { getTableClient } from '../db/client.js';
import { describeError, logger } from '../log.js';
import { consumeQuota } from '../quota/consume-quota.js';
import { createDynamoQuotaStore } from '../quota/quota-store.js';
import { type QuotaDecision, quotaHeaders } from '../quota/rule.js';
import { HttpProblemError, serviceUnavailable } from './problem.js';
import { header } from './request.js';

/**
 * `httpHandler(fn).use(enforceQuota())`: takes one request from the caller's quota
 * before the handler runs (so before any cache or upstream work) and adds the
 * RateLimit-Policy / RateLimit headers to whatever is answered, errors included.
 *
 * The caller is whoever the authorizer said it is: `requestContext.authorizer`
 * {clientId, plan, tokenExpiresAt}. Nothing the client sends is trusted; in particular
 * serverless-offline lets a `sls-offline-authorizer-override` header replace that
 * context, so a request carrying it is refused.
 */
export type ConsumeFn = (input: { clientId: string; plan: Plan; nowMs: number }) => Promise<QuotaDecision>;

export interface EnforceQuotaOptions {
  consume?: ConsumeFn;
  now?: () => number;
}

const OFFLINE_OVERRIDE_HEADER = 'sls-offline-authorizer-override';

const defaultConsume: ConsumeFn = (input) =>
  consumeQuota(createDynamoQuotaStore(getTableClient()), { ...input, limits: getConfig().quota });

const unauthorized = (detail: string) => new HttpProblemError(401, 'Unauthorized', detail);

export interface Caller {
  clientId: string;
  plan: Plan;
  tokenExpiresAt: number;
}

/** Who the authorizer said the caller is; undefined when it said nothing usable. */
export function callerFrom(event: APIGatewayProxyEvent): Caller | undefined {
  const context: Record<string, unknown> | null | undefined = event.requestContext?.authorizer;
  if (context === null || context === undefined) return undefined;
  const { clientId, plan } = context;
  // API Gateway hands context values to the integration as strings.
  const tokenExpiresAt = Number(context.tokenExpiresAt);
  if (typeof clientId !== 'string' || !CLIENT_ID_PATTERN.test(clientId)) return undefined;
  if (!isPlan(plan) || !Number.isFinite(tokenExpiresAt)) return undefined;
  return { clientId, plan, tokenExpiresAt };
}

/** The caller, if the request may proceed to the quota: no override header, a caller, an unexpired token. */
function authorizedCaller(event: APIGatewayProxyEvent, nowMs: number): Caller {
  if (header(event, OFFLINE_OVERRIDE_HEADER) !== undefined) {
    throw unauthorized(`The ${OFFLINE_OVERRIDE_HEADER} header is not accepted.`);
  }
  const caller = callerFrom(event);
  if (caller === undefined) throw unauthorized('The request carries no authorized client.');
  // The authorizer's answer is cached by API Gateway; it must not outlive the token.
  if (caller.tokenExpiresAt + CLOCK_TOLERANCE_SECONDS < nowMs / 1000) {
    throw unauthorized('The access token has expired.');
  }
  return caller;
}

/** The quota's decision; a 503 (Retry-After 5) when it cannot be taken. */
async function decide(consume: ConsumeFn, caller: Caller, nowMs: number): Promise<QuotaDecision> {
  try {
    return await consume({ clientId: caller.clientId, plan: caller.plan, nowMs });
  } catch (error) {
    logger.error('quota check failed', { error: describeError(error) });
    throw serviceUnavailable('The request quota could not be checked; retry shortly.', {
      cause: error,
      headers: { 'Retry-After': '5' },
    });
  }
}

export function enforceQuota(
  options: EnforceQuotaOptions = {},
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const consume = options.consume ?? defaultConsume;
  const now = options.now ?? Date.now;
  const headersByRequest = new WeakMap<Request, Record<string, string>>();

  return {
    before: async (request) => {
      const nowMs = now();
      const caller = authorizedCaller(request.event, nowMs);
      const decision = await decide(consume, caller, nowMs);
      const headers = quotaHeaders(decision);
      headersByRequest.set(request, headers);
      if (!decision.admitted) {
        const refused = decision.outcomes.find((outcome) => !outcome.admitted);
        throw new HttpProblemError(
          429,
          'Too Many Requests',
          `The ${refused?.window.name ?? 'request'} quota of the ${caller.plan} plan is used up; retry after ${headers['Retry-After']} seconds.`,
          { headers },
        );
      }
    },

    after: async (request) => {
      const headers = headersByRequest.get(request);
      const response = request.response;
      if (headers === undefined || response === undefined || response === null) return;
      request.response = { ...response, headers: { ...response.headers, ...headers } };
    },

    // Runs before the problem+json mapper (middy runs onError in reverse order of use).
    onError: async (request) => {
      const headers = headersByRequest.get(request);
      if (headers === undefined || request.response !== undefined) return;
      const { error } = request;
      if (error instanceof HttpProblemError) {
        Object.assign(error.headers, headers);
        return;
      }
      // An unexpected error: log it as the mapper would, then let the mapper answer the
      // same bare 500, now carrying the quota headers.
      logger.error('unhandled error', { error: describeError(error) });
      request.error = new HttpProblemError(
        500,
        'Internal Server Error',
        'The service failed to answer; the error was logged.',
        { headers, cause: error },
      );
    },
  };
}
