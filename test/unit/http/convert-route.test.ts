import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { ConversionKind, ConversionRate } from '../../../lib/convert/types.js';
import { ProviderError } from '../../../lib/core/provider-error.js';
import { answerConvert } from '../../../lib/http/convert-route.js';
import { httpHandler } from '../../../lib/http/handler.js';
import { assertMatchesContract } from '../../../scripts/lib/contract.js';

/** 2026-11-29 18:00 UTC = 12:00 in Mexico City. */
const NOW = Date.parse('2026-11-29T18:00:00.000Z');

const RATE: ConversionRate = {
  kind: 'para_pagos',
  value: 20.5303,
  date: '2026-11-27',
  rule: 'para pagos(D) = DOF(previous banking day)',
  source: 'Banxico — Para pagos',
  provenance: { row_date: '2026-11-27', column: 'Para pagos' },
};

function event(query: Record<string, string> | null): APIGatewayProxyEvent {
  return {
    body: null,
    headers: {},
    multiValueHeaders: {},
    httpMethod: 'GET',
    isBase64Encoded: false,
    path: '/v1/convert',
    pathParameters: null,
    queryStringParameters: query,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
    resource: '/v1/convert',
  };
}

function handlerWith(rateFor: (kind: ConversionKind, date: string | undefined) => Promise<ConversionRate>) {
  const asked: Array<[ConversionKind, string | undefined]> = [];
  const handler = httpHandler((request) =>
    answerConvert(request, {
      rateForConversion: (kind, date) => {
        asked.push([kind, date]);
        return rateFor(kind, date);
      },
      now: () => NOW,
    }),
  );
  return {
    asked,
    call: async (query: Record<string, string> | null) => {
      const response = await handler(event(query), {} as Context);
      return {
        status: response.statusCode,
        headers: response.headers ?? {},
        body: JSON.parse(response.body),
      };
    },
  };
}

const ok = { amount: '1000.00', from: 'USD', to: 'MXN', kind: 'para_pagos' };

const badRequest = (detail: string) => ({ type: 'about:blank', title: 'Bad Request', status: 400, detail });

const AMOUNT_FORM_USD =
  'Expected a positive decimal such as 1000.00: digits and one dot, at most 15 integer digits and at most 2 decimals for USD (SAT c_Moneda).';
const AMOUNT_FORM_MXN = AMOUNT_FORM_USD.replace('for USD', 'for MXN');

describe('GET /v1/convert', () => {
  it('converts 1000.00 USD at a known para pagos rate, stating rounding, rate and date', async () => {
    const { call, asked } = handlerWith(async () => RATE);

    const response = await call(ok);

    expect(asked).toEqual([['para_pagos', undefined]]);
    expect(response.status).toBe(200);
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(response.body).toEqual({
      amount: '1000.00',
      from: 'USD',
      to: 'MXN',
      result: '20530.30',
      rounding:
        "half-up, 2 decimals (SAT c_Moneda: MXN has 2 decimals), computed in decimal arithmetic from the rate's decimal text",
      rate: {
        kind: 'para_pagos',
        value: '20.5303',
        date: '2026-11-27',
        rule: 'para pagos(D) = DOF(previous banking day)',
        source: 'Banxico — Para pagos',
        provenance: { row_date: '2026-11-27', column: 'Para pagos' },
        stale: false,
        // para pagos(2026-11-29) is the row of the 29th; the 27th's is not the one that applies.
        applies_to_date: false,
      },
      date: '2026-11-29',
      warning: 'The rate used is from 2026-11-27; the rate that applies on 2026-11-29 is not available',
    });
  });

  it('converts MXN to USD and passes the date and applies_since through', async () => {
    const { call, asked } = handlerWith(async (kind) => ({
      ...RATE,
      kind,
      date: '2020-11-13',
      applies_since: '2020-11-14',
    }));

    const response = await call({
      amount: '20530.30',
      from: 'MXN',
      to: 'USD',
      kind: 'fiscal',
      date: '2020-11-15',
    });

    expect(asked).toEqual([['fiscal', '2020-11-15']]);
    expect(response.body).toMatchObject({
      amount: '20530.30',
      result: '1000.00',
      rounding:
        "half-up, 2 decimals (SAT c_Moneda: USD has 2 decimals), computed in decimal arithmetic from the rate's decimal text",
      rate: { kind: 'fiscal', value: '20.5303', date: '2020-11-13', applies_since: '2020-11-14' },
      date: '2020-11-15',
    });
  });

  it('answers bodies openapi.yaml accepts', async () => {
    const { call } = handlerWith(async () => RATE);
    const response = await call(ok);
    const headers = new Headers({
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'RateLimit-Policy': '"minute";q=30;w=60',
      RateLimit: '"minute";r=29;t=41',
    });

    expect(
      assertMatchesContract({
        method: 'GET',
        path: '/v1/convert',
        status: 200,
        headers,
        body: JSON.stringify(response.body),
      }),
    ).toMatchObject({ response: '200', bodyChecked: true });
    expect(() =>
      assertMatchesContract({
        method: 'GET',
        path: '/v1/convert',
        status: 200,
        headers,
        body: JSON.stringify({ ...response.body, result: 20530.3 }),
      }),
    ).toThrow('/result must be string');
  });

  it.each([
    [
      { ...ok, amount: '1e3' },
      `Invalid query parameter amount "1e3": exponent notation is not accepted. ${AMOUNT_FORM_USD}`,
    ],
    [
      { ...ok, amount: '-5' },
      `Invalid query parameter amount "-5": negative amounts are not converted. ${AMOUNT_FORM_USD}`,
    ],
    [
      { ...ok, from: 'MXN', to: 'USD', amount: '0.001' },
      `Invalid query parameter amount "0.001": it has more than 2 decimals, the most MXN has. ${AMOUNT_FORM_MXN}`,
    ],
    [
      { ...ok, amount: 'abc' },
      `Invalid query parameter amount "abc": it is not a decimal number. ${AMOUNT_FORM_USD}`,
    ],
    [
      { ...ok, amount: '1234567890123456.00' },
      `Invalid query parameter amount "1234567890123456.00": it has more than 15 integer digits. ${AMOUNT_FORM_USD}`,
    ],
    [{ ...ok, amount: '' }, `Invalid query parameter amount "": it is empty. ${AMOUNT_FORM_USD}`],
    [{ from: 'USD', to: 'MXN', kind: 'fix' }, `Missing query parameter amount. ${AMOUNT_FORM_USD}`],
    [{ ...ok, amount: '0' }, `Invalid query parameter amount "0": it is zero. ${AMOUNT_FORM_USD}`],
    [
      { ...ok, amount: '1,000.00' },
      `Invalid query parameter amount "1,000.00": a comma is not accepted (no thousands separators; the decimal mark is a dot). ${AMOUNT_FORM_USD}`,
    ],
    [
      { ...ok, from: 'EUR' },
      'Invalid query parameter from "EUR": not a currency this API converts. Expected USD or MXN.',
    ],
    [
      { ...ok, from: 'usd' },
      'Invalid query parameter from "usd": not a currency this API converts. Expected USD or MXN.',
    ],
    [{ amount: '1.00', to: 'MXN', kind: 'fix' }, 'Missing query parameter from. Expected USD or MXN.'],
    [
      { ...ok, to: 'USD' },
      'Invalid query parameter to "USD": it is the same currency as from. Expected MXN (the other currency of the pair USD/MXN).',
    ],
    [
      { ...ok, to: 'EUR' },
      'Invalid query parameter to "EUR": not a currency this API converts. Expected MXN (the other currency of the pair USD/MXN).',
    ],
    [
      { amount: '1.00', from: 'MXN', kind: 'fix' },
      'Missing query parameter to. Expected USD (the other currency of the pair USD/MXN).',
    ],
    [
      { ...ok, kind: 'spot' },
      'Invalid query parameter kind "spot": not a rate kind. Expected one of fix, dof, para_pagos, fiscal, market.',
    ],
    [
      { amount: '1.00', from: 'USD', to: 'MXN' },
      'Missing query parameter kind. Expected one of fix, dof, para_pagos, fiscal, market.',
    ],
    [
      { ...ok, date: '05/01/2024' },
      'date must be a date written YYYY-MM-DD, e.g. 2024-01-05 (got "05/01/2024").',
    ],
    [
      { ...ok, date: '2024-02-30' },
      'date 2024-02-30 is not a calendar date (YYYY-MM-DD with a real month and day).',
    ],
    [
      { ...ok, date: '2026-11-30' },
      'date 2026-11-30 is in the future; rates exist up to today in Mexico City, 2026-11-29 (YYYY-MM-DD).',
    ],
    [{ ...ok, amt: '5' }, 'Unknown query parameter: amt'],
    [null, 'Missing query parameter from. Expected USD or MXN.'],
  ])('answers %j with a 400 naming the parameter', async (query, detail) => {
    const { call, asked } = handlerWith(async () => RATE);

    const response = await call(query);

    expect([response.status, response.headers['Content-Type'], response.body]).toEqual([
      400,
      'application/problem+json',
      badRequest(detail),
    ]);
    expect(asked).toEqual([]);
  });

  it('answers 400 naming amount when a non-zero amount converts to less than 0.01', async () => {
    const { call, asked } = handlerWith(async () => ({ ...RATE, kind: 'fix', value: 20.0777 }));

    const response = await call({ amount: '0.10', from: 'MXN', to: 'USD', kind: 'fix' });
    const smallest = await call({ amount: '0.11', from: 'MXN', to: 'USD', kind: 'fix' });

    expect([response.status, response.headers['Content-Type'], response.body]).toEqual([
      400,
      'application/problem+json',
      badRequest(
        'Invalid query parameter amount "0.10": it converts to less than 0.01 USD at the fix rate 20.0777. Expected an amount worth at least 0.01 USD.',
      ),
    ]);
    expect(asked).toEqual([
      ['fix', undefined],
      ['fix', undefined],
    ]);
    // 0.11 / 20.0777 = 0.00548 rounds half-up to 0.01.
    expect([smallest.status, smallest.body.result]).toEqual([200, '0.01']);
  });

  it('cuts a long value in the detail to 40 characters', async () => {
    const { call } = handlerWith(async () => RATE);

    const response = await call({ ...ok, kind: 'x'.repeat(100) });

    expect(response.body.detail).toBe(
      `Invalid query parameter kind "${'x'.repeat(40)}…": not a rate kind. Expected one of fix, dof, para_pagos, fiscal, market.`,
    );
  });

  it('answers 503 with Retry-After when the source cannot give the rate', async () => {
    const { call } = handlerWith(async () => {
      throw new ProviderError('quota_exhausted', 'Banxico SIE: query limit reached.', {
        retryAfterSeconds: 42,
      });
    });

    const response = await call({ ...ok, kind: 'fix' });

    expect([response.status, response.headers['Retry-After'], response.body]).toEqual([
      503,
      '42',
      {
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'No fix rate can be served (quota_exhausted): Banxico SIE: query limit reached.',
      },
    ]);
  });

  it("answers a date before the source's history with a 400 naming date", async () => {
    const { call } = handlerWith(async () => {
      throw new ProviderError(
        'before_history',
        "Banxico SIE's FIX (SF43718) starts on 1991-11-12; nothing applies on 1990-01-02.",
      );
    });

    const response = await call({ ...ok, kind: 'fix', date: '1990-01-02' });

    expect([response.status, response.body]).toEqual([
      400,
      badRequest(
        'Invalid query parameter date "1990-01-02": Banxico SIE\'s FIX (SF43718) starts on 1991-11-12; nothing applies on 1990-01-02. Expected a date on or after the source\'s first date.',
      ),
    ]);
  });

  it('answers 503 without detail of the cause when the rate cache itself fails', async () => {
    const { call } = handlerWith(async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:4567');
    });

    const response = await call(ok);

    expect([response.status, response.headers['Retry-After'], response.body.detail]).toEqual([
      503,
      '5',
      'The rate cache is unavailable; try again shortly.',
    ]);
  });
});
