/**
 * The dated routes (issue 15): `?date=` on /v1/rates and the per-source routes,
 * /v1/rates/history, /v1/rates/fiscal and /v1/rates/average. Each reads the query
 * (lib/history/query.ts: a bad value is a 400 naming the parameter and the accepted
 * form), asks the history rules through a `HistoryReader`, and shapes the answer:
 * ETag + 304 as today's rates, `Cache-Control: private, max-age=31536000, immutable` when
 * every value is final (past values never change), `private, max-age=60` otherwise.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mexicoCityDate } from '../core/mexico-time.js';
import { ProviderError } from '../core/provider-error.js';
import type { SourceId } from '../core/rate.js';
import { answerAverage, answerFiscal, answerHistory } from '../history/answers.js';
import { failedChecks } from '../history/consistency.js';
import { answerDatedRates, type DatedRatesAnswer, type DatedSourceError } from '../history/dated-rates.js';
import { csvFileName, toCsv, toNdjson } from '../history/export.js';
import {
  parseAverageKind,
  parseFiscalKind,
  parseFormat,
  parseMonth,
  parseRange,
  parseRequiredDate,
} from '../history/query.js';
import { getHistoryReader } from '../history/reader-wiring.js';
import type { HistoryReader } from '../history/types.js';
import { describeError, logger } from '../log.js';
import { buildRatesAnswer, type RatesBody } from '../rates/envelope.js';
import { getRateService } from '../rates/service-wiring.js';
import { requestGate } from './gate.js';
import { httpHandler } from './handler.js';
import { HttpProblemError, serviceUnavailable } from './problem.js';
import { answerRates } from './rates-response.js';
import { conditionalResponse, etagOf, header, parsedQuery, rejectUnknownQuery } from './request.js';
import { withLiveRates, withoutHistoricalFixerOn } from './today-dated.js';

/** Past values are immutable (UPSTREAMS.md: "Values of past dates do not change: cache them forever"). */
export const IMMUTABLE_CACHE_CONTROL = 'private, max-age=31536000, immutable';
/** An answer that may still change (today's FIX before 12:00, a month not over). */
export const PROVISIONAL_CACHE_CONTROL = 'private, max-age=60';

export interface HistoryRouteDeps {
  reader: HistoryReader;
  now: () => number;
  /** Today's live cached rates (the undated /v1/rates body), for `date=` today. */
  live?: (sources: readonly SourceId[]) => Promise<RatesBody>;
}

export interface HistoryRequest {
  queryStringParameters: Record<string, string | undefined> | null;
  headers: Record<string, string | undefined>;
}

const todayOf = (deps: HistoryRouteDeps) => mexicoCityDate(new Date(deps.now()));

/** 404 when the date is before the source's history (asking again will not help), else 503. */
function noValueProblem(
  errors: Partial<Record<SourceId, DatedSourceError>>,
  detail: string,
): HttpProblemError {
  const permanent = Object.values(errors).every((error) => error.code === 'before_history');
  if (permanent) return new HttpProblemError(404, 'Not Found', detail, { extensions: { errors } });
  return serviceUnavailable(detail, { headers: { 'Retry-After': '60' }, extensions: { errors } });
}

/** Runs a read; a ProviderError (SF43718's) becomes the problem, anything else a 503 without detail. */
async function reading<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ProviderError) {
      throw noValueProblem({ banxico: { code: error.code, message: error.message } }, error.message);
    }
    if (error instanceof HttpProblemError) throw error;
    logger.error('history store unavailable', { error: describeError(error) });
    throw serviceUnavailable('The rate history is unavailable; try again shortly.', {
      headers: { 'Retry-After': '5' },
    });
  }
}

function cached(
  event: HistoryRequest,
  body: string,
  contentType: string,
  final: boolean,
  extra: Record<string, string> = {},
): APIGatewayProxyResult {
  const cacheControl = final ? IMMUTABLE_CACHE_CONTROL : PROVISIONAL_CACHE_CONTROL;
  return conditionalResponse(event, {
    body,
    contentType,
    headers: { ETag: etagOf(body), 'Cache-Control': cacheControl, ...extra },
  });
}

/** For today: the live cached rates where they apply (./today-dated.ts); the dated answer if the cache fails. */
async function withTodayLive(
  dated: DatedRatesAnswer,
  sources: readonly SourceId[],
  today: string,
  deps: HistoryRouteDeps,
): Promise<DatedRatesAnswer> {
  if (deps.live === undefined) return dated;
  try {
    return withLiveRates(dated, await deps.live(sources), sources, today);
  } catch (error) {
    logger.warn("live rates unavailable for today's dated answer", { error: describeError(error) });
    return dated;
  }
}

/** GET /v1/rates[/source]?date=D */
export async function answerDatedRatesRequest(
  event: HistoryRequest,
  sources: readonly SourceId[],
  deps: HistoryRouteDeps,
): Promise<APIGatewayProxyResult> {
  rejectUnknownQuery(event, ['date']);
  const today = todayOf(deps);
  const date = parsedQuery(() => parseRequiredDate(event.queryStringParameters, today));
  const live = date === today && deps.live !== undefined;
  const reader = live ? withoutHistoricalFixerOn(deps.reader, today) : deps.reader;
  const dated = await reading(() => answerDatedRates(reader, date, sources, today));
  const answer = date === today ? await withTodayLive(dated, sources, today, deps) : dated;
  for (const [check, result] of failedChecks(answer.body.consistency)) {
    logger.warn('consistency check failed', { check, date, result });
  }
  if (Object.keys(answer.body.rates).length === 0) {
    throw noValueProblem(answer.body.errors, `No source has a rate that applies on ${date}.`);
  }
  return cached(event, JSON.stringify(answer.body), 'application/json', answer.immutable);
}

/** GET /v1/rates/history?from=&to=[&format=] (or Accept: text/csv, application/x-ndjson) */
export async function answerHistoryRequest(
  event: HistoryRequest,
  deps: HistoryRouteDeps,
): Promise<APIGatewayProxyResult> {
  rejectUnknownQuery(event, ['from', 'to', 'format']);
  const { from, to } = parsedQuery(() => parseRange(event.queryStringParameters, todayOf(deps)));
  const format = parsedQuery(() => parseFormat(event.queryStringParameters, header(event, 'accept')));
  const { body, final } = await reading(() => answerHistory(deps.reader, from, to));
  // The representation depends on Accept when `format` is absent.
  const vary = { Vary: 'Accept' };
  if (format === 'csv') {
    return cached(event, toCsv(body.rows), 'text/csv; charset=utf-8; header=present', final, {
      ...vary,
      'Content-Disposition': `attachment; filename="${csvFileName(from, to)}"`,
    });
  }
  if (format === 'ndjson') return cached(event, toNdjson(body.rows), 'application/x-ndjson', final, vary);
  return cached(event, JSON.stringify(body), 'application/json', final, vary);
}

/** GET /v1/rates/fiscal?date=D[&kind=fiscal|para_pagos] */
export async function answerFiscalRequest(
  event: HistoryRequest,
  deps: HistoryRouteDeps,
): Promise<APIGatewayProxyResult> {
  rejectUnknownQuery(event, ['date', 'kind']);
  const date = parsedQuery(() => parseRequiredDate(event.queryStringParameters, todayOf(deps)));
  const kind = parsedQuery(() => parseFiscalKind(event.queryStringParameters));
  const { body, final } = await reading(() => answerFiscal(deps.reader, date, kind));
  return cached(event, JSON.stringify(body), 'application/json', final);
}

/** GET /v1/rates/average?month=YYYY-MM&kind=fix|dof */
export async function answerAverageRequest(
  event: HistoryRequest,
  deps: HistoryRouteDeps,
): Promise<APIGatewayProxyResult> {
  rejectUnknownQuery(event, ['month', 'kind']);
  const today = todayOf(deps);
  const month = parsedQuery(() => parseMonth(event.queryStringParameters, today));
  const kind = parsedQuery(() => parseAverageKind(event.queryStringParameters));
  const { body, final } = await reading(() => answerAverage(deps.reader, month, kind, today));
  return cached(event, JSON.stringify(body), 'application/json', final);
}

function deployedDeps(): HistoryRouteDeps {
  return {
    reader: getHistoryReader(),
    now: Date.now,
    // The same read as the undated answer: the rate cache, refreshed only as /v1/rates would be.
    live: async (sources) => buildRatesAnswer(await getRateService().getSources(sources), Date.now()).body,
  };
}

/**
 * GET /v1/rates[/source]: today's answer (lib/rates) without `date`, the dated answer with
 * it. One function per route, as before; the quota is taken first either way.
 */
export function ratesHandlerWithDates(sources: readonly SourceId[]) {
  return httpHandler((event) =>
    event.queryStringParameters?.date === undefined
      ? answerRates(event, sources)
      : answerDatedRatesRequest(event, sources, deployedDeps()),
  ).use(requestGate());
}

export const historyHandler = () =>
  httpHandler((event) => answerHistoryRequest(event, deployedDeps())).use(requestGate());
export const fiscalHandler = () =>
  httpHandler((event) => answerFiscalRequest(event, deployedDeps())).use(requestGate());
export const averageHandler = () =>
  httpHandler((event) => answerAverageRequest(event, deployedDeps())).use(requestGate());
