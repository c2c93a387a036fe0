import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { type AppConfig, getConfig } from '../config.js';
import type { SourceId } from '../core/rate.js';
import type { HttpClient } from '../core/upstream.js';
import { getTableClient } from '../db/client.js';
import { requestGate } from '../http/gate.js';
import { httpHandler } from '../http/handler.js';
import { serviceUnavailable } from '../http/problem.js';
import { etagOf, ifNoneMatchHits, rejectUnknownQuery } from '../http/request.js';
import { describeError, logger } from '../log.js';
import { notConfigured } from '../providers/credentials.js';
import { providers } from '../providers/registry.js';
import { getUpstreamSecrets } from '../secrets.js';
import { createRateCacheStore } from './cache-store.js';
import { buildRatesAnswer } from './envelope.js';
import { DEFAULT_RETRY_LATE_MS } from './freshness.js';
import { createRateService, type RatePolicy, type RateService } from './rate-service.js';

let service: RateService | undefined;

/** The refresh policy the deployed service runs with, from its configuration (built here only). */
export function ratePolicyFrom(config: AppConfig): RatePolicy {
  return {
    maxStaleMs: config.cache.maxStaleSeconds * 1000,
    fixerMinIntervalMs: config.cache.fixerMinIntervalSeconds * 1000,
    fixerMonthlyBudget: config.cache.fixerMonthlyBudget,
    retryLateMs: DEFAULT_RETRY_LATE_MS,
    errorBackoffMs: 60_000,
    // Longer than any Lambda can live (the refresher's timeout is 30 s): a live holder
    // never loses its lease, a crashed one's runs out within a minute.
    leaseMs: 35_000,
    waitForWinnerMs: config.upstream.timeoutMs + 2_000,
    pollIntervalMs: 50,
    memoryTtlMs: config.cache.memoryTtlMs,
  };
}

/** One service per Lambda instance: its single-flight map is what instance-level sharing means. */
export function getRateService(): RateService {
  if (service !== undefined) return service;
  const config = getConfig();
  // axios is loaded with the first refresh, not at cold start: most answers come from the cache.
  let http: Promise<HttpClient> | undefined;
  service = createRateService({
    store: createRateCacheStore(getTableClient()),
    fetchSource: async (source) => {
      http ??= import('../outbound/http-client.js').then(({ createHttpClient }) =>
        createHttpClient({ timeoutMs: config.upstream.timeoutMs }),
      );
      const secrets = await getUpstreamSecrets();
      return providers[source]({
        http: await http,
        config: {
          ...config.upstream,
          fixerAccessKey: secrets.fixerAccessKey,
          banxicoToken: secrets.banxicoToken,
        },
      });
    },
    missingConfiguration: async (source) => {
      const missing = notConfigured(source, await getUpstreamSecrets());
      return missing === undefined ? undefined : { code: missing.code, message: missing.message };
    },
    now: Date.now,
    owner: randomUUID(),
    policy: ratePolicyFrom(config),
  });
  return service;
}

export interface RatesRequest {
  queryStringParameters: Record<string, string | undefined> | null;
  headers: Record<string, string | undefined>;
}

/**
 * GET /v1/rates[/provider]: the cached rates of these sources, with HTTP caching.
 * `Cache-Control` is private (answers are per user) and lasts until the earliest
 * "fresh until"; a matching If-None-Match gets a 304 without a body.
 */
export async function answerRates(
  event: RatesRequest,
  sources: readonly SourceId[],
  rateService: RateService = getRateService(),
  now: () => number = Date.now,
): Promise<APIGatewayProxyResult> {
  rejectUnknownQuery(event);
  let outcomes: Awaited<ReturnType<RateService['getSources']>>;
  try {
    outcomes = await rateService.getSources(sources);
  } catch (error) {
    logger.error('rate cache unavailable', { error: describeError(error) });
    throw serviceUnavailable('The rate cache is unavailable; try again shortly.', {
      headers: { 'Retry-After': '5' },
    });
  }
  const answer = buildRatesAnswer(outcomes, now());
  if (Object.keys(answer.body.rates).length === 0) {
    throw serviceUnavailable('No source could provide a rate and nothing cached can be served.', {
      headers: { 'Retry-After': String(answer.retryAfterSeconds) },
      extensions: { errors: answer.body.errors },
    });
  }
  const body = JSON.stringify(answer.body);
  const etag = etagOf(body);
  const headers = { ETag: etag, 'Cache-Control': `private, max-age=${answer.maxAgeSeconds}` };
  const matches = ifNoneMatchHits(event, etag);
  if (matches) {
    return { statusCode: 304, headers, body: '' };
  }
  return { statusCode: 200, headers: { 'Content-Type': 'application/json', ...headers }, body };
}

/**
 * The Lambda handler of a rates route; each route is its own function in serverless.yml.
 * The caller's quota is taken before any cache or upstream work (lib/http/gate.ts).
 */
export function ratesHandler(sources: readonly SourceId[]) {
  return httpHandler((event) => answerRates(event, sources)).use(requestGate());
}
