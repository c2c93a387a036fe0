import { describe, expect, it } from 'vitest';
import {
  answerAverageRequest,
  answerDatedRatesRequest,
  answerFiscalRequest,
  answerHistoryRequest,
  type HistoryRouteDeps,
} from '../../../lib/http/history-routes.js';
import { HttpProblemError, problemResponse } from '../../../lib/http/problem.js';
import { assertMatchesContract } from '../../../scripts/lib/contract.js';
import { memoryHistoryReader, pageHistory, sieHistory } from '../../helpers/capture-history.js';

/** The dated routes' answers, made from the captures, checked against openapi.yaml. */

const NOW = Date.parse('2020-11-30T18:00:00Z');
const QUOTA_HEADERS = {
  'RateLimit-Policy': '"minute";q=30;w=60, "day";q=1000;w=86400',
  RateLimit: '"minute";r=29;t=41',
};

function deps(history = sieHistory()): HistoryRouteDeps {
  return {
    reader: memoryHistoryReader({
      ...history,
      fixer: [
        {
          date: '2020-11-27',
          value: 20.09,
          lastUpdated: '2020-11-27T23:59:59.000Z',
          provenance: { eur_usd: 1.19, eur_mxn: 23.9071 },
          fetchedAt: NOW,
        },
      ],
    }),
    now: () => NOW,
  };
}

async function checked(
  path: string,
  answer: Promise<{ statusCode: number; headers?: unknown; body: string }>,
) {
  const response = await answer.catch((error: unknown) => {
    if (error instanceof HttpProblemError) return problemResponse(error);
    throw error;
  });
  const headers = new Headers({ ...(response.headers as Record<string, string>), ...QUOTA_HEADERS });
  return assertMatchesContract({
    method: 'GET',
    path,
    status: response.statusCode,
    headers,
    body: response.body,
  });
}

const request = (query: Record<string, string>, headers: Record<string, string> = {}) => ({
  queryStringParameters: query,
  headers,
});

describe('the dated routes match openapi.yaml', () => {
  it.each([
    ['/v1/rates', ['dof', 'fixer', 'banxico']],
    ['/v1/rates/banxico', ['banxico']],
    ['/v1/rates/fixer', ['fixer']],
  ] as const)('%s?date=2020-11-27', async (path, sources) => {
    const match = await checked(
      path,
      answerDatedRatesRequest(request({ date: '2020-11-27' }), sources, deps()),
    );
    expect(match).toMatchObject({ response: '200', bodyChecked: true });
  });

  it('/v1/rates/dof?date=2020-11-27 serves dof without para pagos, reported in rate_errors', async () => {
    const answer = answerDatedRatesRequest(request({ date: '2020-11-27' }), ['dof'], deps());
    expect(await checked('/v1/rates/dof', answer)).toMatchObject({ response: '200', bodyChecked: true });
  });

  it('/v1/rates/dof?date= on a Saturday (page capture), immutable', async () => {
    const answer = answerDatedRatesRequest(request({ date: '2020-11-14' }), ['dof'], deps(pageHistory()));
    expect(await checked('/v1/rates/dof', answer)).toMatchObject({ response: '200', bodyChecked: true });
  });

  it('the 400, 404 and 503 problems', async () => {
    expect(
      await checked('/v1/rates', answerDatedRatesRequest(request({ date: '05/01/2024' }), ['dof'], deps())),
    ).toMatchObject({ response: '400' });
    expect(
      await checked(
        '/v1/rates/banxico',
        answerDatedRatesRequest(request({ date: '1990-01-02' }), ['banxico'], deps()),
      ),
    ).toMatchObject({ response: '404' });
    expect(
      await checked(
        '/v1/rates/dof',
        answerDatedRatesRequest(request({ date: '2020-11-26' }), ['dof'], deps()),
      ),
    ).toMatchObject({ response: '503' });
  });

  it('/v1/rates/history as JSON, CSV and NDJSON', async () => {
    for (const headers of [{}, { Accept: 'text/csv' }, { Accept: 'application/x-ndjson' }]) {
      const answer = answerHistoryRequest(
        request({ from: '2020-11-09', to: '2020-11-15' }, headers),
        deps(pageHistory()),
      );
      expect(await checked('/v1/rates/history', answer)).toMatchObject({ response: '200' });
    }
  });

  it('/v1/rates/fiscal and /v1/rates/average', async () => {
    expect(
      await checked('/v1/rates/fiscal', answerFiscalRequest(request({ date: '2020-11-30' }), deps())),
    ).toMatchObject({
      response: '200',
      bodyChecked: true,
    });
    expect(
      await checked(
        '/v1/rates/average',
        answerAverageRequest(request({ month: '2020-11', kind: 'fix' }), deps(pageHistory())),
      ),
    ).toMatchObject({ response: '200', bodyChecked: true });
  });
});
