import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { CLIENT_ID_PATTERN, CLOCK_TOLERANCE_SECONDS } from '../auth/credentials.js';
import { isPlan, type Plan } from '../core/plan.js';
import { HttpProblemError, problemFromError } from './problem.js';
import { type ConsumeFn, consumeFromTable, takeQuota } from './quota-step.js';
import { header } from './request.js';

/**
 * `httpHandler(fn).use(requestGate())`: what every gated route (the rates, /v1/whoami)
 * checks before its handler runs, so before any cache or upstream work, in this order:
 * 1. no `sls-offline-authorizer-override` header: serverless-offline lets it replace the
 *    authorizer's context, so a request carrying it is refused (401);
 * 2. a caller the authorizer vouched for: `requestContext.authorizer` {clientId, plan,
 *    tokenExpiresAt}; nothing the client sends is trusted (401 otherwise);
 * 3. a token still valid now: API Gateway caches the authorizer's answer for 300 s, which
 *    must not outlive the token (401);
 * 4. the quota step (lib/http/quota-step.ts): 429 or 503, and its RateLimit headers are
 *    added to whatever is answered, errors included.
 */
export interface RequestGateOptions {
  consume?: ConsumeFn;
  now?: () => number;
}

const OFFLINE_OVERRIDE_HEADER = 'sls-offline-authorizer-override';

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

/** Steps 1–3: the caller to charge, or the 401 to answer. */
function admittedCaller(event: APIGatewayProxyEvent, nowMs: number): Caller {
  if (header(event, OFFLINE_OVERRIDE_HEADER) !== undefined) {
    throw unauthorized(`The ${OFFLINE_OVERRIDE_HEADER} header is not accepted.`);
  }
  const caller = callerFrom(event);
  if (caller === undefined) throw unauthorized('The request carries no authorized client.');
  if (caller.tokenExpiresAt + CLOCK_TOLERANCE_SECONDS < nowMs / 1000) {
    throw unauthorized('The access token has expired.');
  }
  return caller;
}

export function requestGate(
  options: RequestGateOptions = {},
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const consume = options.consume ?? consumeFromTable;
  const now = options.now ?? Date.now;
  const headersByRequest = new WeakMap<Request, Record<string, string>>();

  return {
    before: async (request) => {
      const nowMs = now();
      const caller = admittedCaller(request.event, nowMs);
      // A refusal (429) carries the quota headers itself; a 503 has none to carry.
      const headers = await takeQuota(consume, { clientId: caller.clientId, plan: caller.plan, nowMs });
      headersByRequest.set(request, headers);
    },

    after: async (request) => {
      const headers = headersByRequest.get(request);
      const response = request.response;
      if (headers === undefined || response === undefined || response === null) return;
      request.response = { ...response, headers: { ...response.headers, ...headers } };
    },

    // Runs before the problem+json mapper (middy runs onError in reverse order of use), so
    // the handler's errors, expected or not, leave with the quota headers.
    onError: async (request) => {
      const headers = headersByRequest.get(request);
      if (headers === undefined || request.response !== undefined) return;
      const problem = problemFromError(request.error);
      Object.assign(problem.headers, headers);
      request.error = problem;
    },
  };
}
