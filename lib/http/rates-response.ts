import type { APIGatewayProxyResult } from 'aws-lambda';
import type { SourceId } from '../core/rate.js';
import { describeError, logger } from '../log.js';
import { buildRatesAnswer } from '../rates/envelope.js';
import type { RateService } from '../rates/rate-service.js';
import { getRateService } from '../rates/service-wiring.js';
import { requestGate } from './gate.js';
import { httpHandler } from './handler.js';
import { serviceUnavailable } from './problem.js';
import { conditionalResponse, etagOf, rejectUnknownQuery } from './request.js';

export interface RatesRequest {
  queryStringParameters: Record<string, string | undefined> | null;
  headers: Record<string, string | undefined>;
}

/** The sources' outcomes, or a 503 (Retry-After 5) when the cache itself cannot be read. */
async function outcomesOf(rateService: RateService, sources: readonly SourceId[]) {
  try {
    return await rateService.getSources(sources);
  } catch (error) {
    logger.error('rate cache unavailable', { error: describeError(error) });
    throw serviceUnavailable('The rate cache is unavailable; try again shortly.', {
      headers: { 'Retry-After': '5' },
    });
  }
}

/**
 * GET /v1/rates[/provider]: the cached rates of these sources, shaped for HTTP.
 * `Cache-Control` is private (answers are per user) and lasts until the earliest
 * "fresh until"; a matching If-None-Match gets a 304 without a body; nothing to serve is
 * a 503 with the sources' errors and a Retry-After.
 */
export async function answerRates(
  event: RatesRequest,
  sources: readonly SourceId[],
  rateService: RateService = getRateService(),
  now: () => number = Date.now,
): Promise<APIGatewayProxyResult> {
  rejectUnknownQuery(event);
  const answer = buildRatesAnswer(await outcomesOf(rateService, sources), now());
  if (Object.keys(answer.body.rates).length === 0) {
    throw serviceUnavailable('No source could provide a rate and nothing cached can be served.', {
      headers: { 'Retry-After': String(answer.retryAfterSeconds) },
      extensions: { errors: answer.body.errors },
    });
  }
  const body = JSON.stringify(answer.body);
  return conditionalResponse(event, {
    body,
    contentType: 'application/json',
    headers: { ETag: etagOf(body), 'Cache-Control': `private, max-age=${answer.maxAgeSeconds}` },
  });
}

/**
 * The Lambda handler of a rates route; each route is its own function in serverless.yml.
 * The caller's quota is taken before any cache or upstream work (gate.ts).
 */
export function ratesHandler(sources: readonly SourceId[]) {
  return httpHandler((event) => answerRates(event, sources)).use(requestGate());
}
