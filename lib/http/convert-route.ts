import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { buildConvertAnswer } from '../convert/answer.js';
import { CONVERT_PARAMETERS, type ConvertQuery, parseConvertQuery } from '../convert/query.js';
import { createTodayRate, rateForConversionFrom } from '../convert/today-rate.js';
import type { RateForConversion } from '../convert/types.js';
import { mexicoCityDate } from '../core/mexico-time.js';
import { ProviderError } from '../core/provider-error.js';
import { createRateForConversion } from '../history/rate-for-kind.js';
import { getHistoryReader } from '../history/reader-wiring.js';
import { describeError, logger } from '../log.js';
import { getRateService } from '../rates/service-wiring.js';
import { requestGate } from './gate.js';
import { httpHandler, jsonResponse } from './handler.js';
import { badRequest, serviceUnavailable } from './problem.js';
import { parsedQuery, rejectUnknownQuery } from './request.js';

export interface ConvertDeps {
  rateForConversion: RateForConversion;
  now: () => number;
}

/** A rate that cannot be had: the source's own failure (503), or a date before its history (400). */
function rateProblem(error: unknown, query: ConvertQuery): Error {
  const { kind, date } = query;
  if (error instanceof ProviderError && error.code === 'before_history' && date !== undefined) {
    return badRequest(
      `Invalid query parameter date ${JSON.stringify(date)}: ${error.message} Expected a date on or after the source's first date.`,
    );
  }
  if (error instanceof ProviderError) {
    return serviceUnavailable(`No ${kind} rate can be served (${error.code}): ${error.message}`, {
      headers: { 'Retry-After': String(Math.max(1, error.retryAfterSeconds ?? 60)) },
    });
  }
  logger.error('rate cache unavailable', { error: describeError(error) });
  return serviceUnavailable('The rate cache is unavailable; try again shortly.', {
    headers: { 'Retry-After': '5' },
  });
}

/**
 * GET /v1/convert?amount=&from=&to=&kind=[&date=]: an amount converted between USD and MXN at
 * the rate of `kind` for `date` (today in Mexico City by default). Every bad parameter is a
 * 400 problem naming it and its accepted form (a date before the source's history included);
 * a rate that cannot be served is a 503 problem.
 * The answer is `no-store`: it is as cheap to ask again as to revalidate.
 */
export async function answerConvert(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters'>,
  deps: ConvertDeps,
): Promise<APIGatewayProxyResult> {
  rejectUnknownQuery(event, CONVERT_PARAMETERS);
  const today = mexicoCityDate(new Date(deps.now()));
  const query = parsedQuery(() => parseConvertQuery(event.queryStringParameters, today));
  let rate: Awaited<ReturnType<RateForConversion>>;
  try {
    rate = await deps.rateForConversion(query.kind, query.date);
  } catch (error) {
    throw rateProblem(error, query);
  }
  return jsonResponse(
    200,
    parsedQuery(() => buildConvertAnswer(query, rate, today)),
    {
      'Cache-Control': 'no-store',
    },
  );
}

let defaultDeps: ConvertDeps | undefined;

function getConvertDeps(): ConvertDeps {
  if (defaultDeps !== undefined) return defaultDeps;
  const todayRate = createTodayRate({
    getSources: (sources) => getRateService().getSources(sources),
    now: Date.now,
  });
  const datedRate = createRateForConversion({
    reader: getHistoryReader(),
    today: () => mexicoCityDate(new Date()),
    marketToday: () => todayRate('market'),
  });
  defaultDeps = { rateForConversion: rateForConversionFrom(todayRate, datedRate), now: Date.now };
  return defaultDeps;
}

/** The Lambda handler: the caller's quota is taken before any rate work, as on /v1/rates. */
export function convertHandler() {
  return httpHandler((event) => answerConvert(event, getConvertDeps())).use(requestGate());
}
