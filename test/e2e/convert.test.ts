import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mexicoCityDate } from '../../lib/core/mexico-time.js';
import { type RunningStack, startStack } from '../../scripts/lib/local-stack.js';
import { type RatesClient, ratesClient } from '../../scripts/lib/rates-client.js';

/**
 * GET /v1/convert on the real `npm run start:sandbox` stack (upstreams replayed from the
 * November 2020 captures), behind the real authorizer and quota. `ratesClient` validates
 * every answer against openapi.yaml.
 */

let stack: RunningStack;
let api: RatesClient;

async function convert(query: string) {
  let response = await api.get(`/v1/convert?${query}`);
  // serverless-offline's own 504 for a cold function on a busy machine: once more, warm.
  if (response.status === 504) response = await api.get(`/v1/convert?${query}`);
  return { status: response.status, headers: response.headers, body: await response.json() };
}

beforeAll(async () => {
  stack = await startStack({ sandbox: true, env: { FIXER_ACCESS_KEY: '', BANXICO_TOKEN: '' } });
  api = await ratesClient(stack);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('GET /v1/convert on the running stack', () => {
  it('converts 1000.00 USD at the replayed FIX of 27 Nov 2020 (20.0777) to 20077.70 MXN', async () => {
    const answer = await convert('amount=1000.00&from=USD&to=MXN&kind=fix');

    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('ratelimit-policy')).toMatch(/^"minute";q=\d+;w=60/);
    expect(answer.body).toMatchObject({
      amount: '1000.00',
      from: 'USD',
      to: 'MXN',
      result: '20077.70',
      rounding: expect.stringContaining('half-up, 2 decimals (SAT c_Moneda: MXN has 2 decimals)'),
      rate: { kind: 'fix', value: '20.0777', date: '2020-11-27', provenance: { series_id: 'SF43718' } },
      date: mexicoCityDate(new Date()),
    });
  });

  it('converts back from MXN, and at every kind the replayed sources give', async () => {
    const back = await convert('amount=20077.70&from=MXN&to=USD&kind=fix');
    expect([back.status, back.body.result]).toEqual([200, '1000.00']);

    const results: Record<string, [string, string, string]> = {};
    for (const kind of ['dof', 'para_pagos', 'fiscal', 'market']) {
      const answer = await convert(`amount=1000&from=USD&to=MXN&kind=${kind}`);
      expect(answer.status, kind).toBe(200);
      results[kind] = [answer.body.rate.value, answer.body.rate.date, answer.body.result];
    }

    expect(results).toEqual({
      dof: ['20.5303', '2020-11-13', '20530.30'],
      para_pagos: ['20.5303', '2020-11-15', '20530.30'],
      fiscal: ['20.5303', '2020-11-13', '20530.30'],
      market: ['20.0753', '2020-11-27', '20075.30'],
    });
  });

  it("marks an undated answer at the replayed 2020 rates as not applying today, with /v1/rates' stale", async () => {
    const today = mexicoCityDate(new Date());
    const answer = await convert('amount=1000.00&from=USD&to=MXN&kind=fiscal');
    const rates = await (await api.get('/v1/rates/dof')).json();

    expect(answer.status).toBe(200);
    expect(answer.body.rate).toMatchObject({
      date: '2020-11-13',
      stale: rates.rates.dof.stale,
      applies_to_date: false,
    });
    expect(answer.body.warning).toBe(
      `The rate used is from 2020-11-13; the rate that applies on ${today} is not available`,
    );
  });

  it('converts at the history rules for a date: FIX, DOF, a Saturday, the fiscal rate of a Monday', async () => {
    const rates: Record<string, unknown> = {};
    for (const query of [
      'kind=fix&date=2020-11-27',
      'kind=dof&date=2020-11-27',
      'kind=fix&date=2020-11-14',
      'kind=fiscal&date=2020-11-30',
    ]) {
      const answer = await convert(`amount=1000.00&from=USD&to=MXN&${query}`);
      expect(answer.status, query).toBe(200);
      const { value, date, applies_since, stale, applies_to_date } = answer.body.rate;
      expect([stale, applies_to_date, answer.body.warning], query).toEqual([false, true, undefined]);
      rates[query] = { value, date, applies_since, result: answer.body.result, for: answer.body.date };
    }

    expect(rates).toEqual({
      'kind=fix&date=2020-11-27': {
        value: '20.0777',
        date: '2020-11-27',
        result: '20077.70',
        for: '2020-11-27',
      },
      // DOF(D) = FIX(previous banking day).
      'kind=dof&date=2020-11-27': {
        value: '20.0467',
        date: '2020-11-27',
        result: '20046.70',
        for: '2020-11-27',
      },
      'kind=fix&date=2020-11-14': {
        value: '20.4833',
        date: '2020-11-13',
        applies_since: '2020-11-13',
        result: '20483.30',
        for: '2020-11-14',
      },
      // CFF art. 20: no publication on Sunday the 29th, so Friday the 27th's, FIX(26).
      'kind=fiscal&date=2020-11-30': {
        value: '20.0467',
        date: '2020-11-27',
        result: '20046.70',
        for: '2020-11-30',
      },
    });
  });

  it("answers a date before the source's history with a 400 naming date", async () => {
    const answer = await convert('amount=1.00&from=USD&to=MXN&kind=fix&date=1990-01-02');

    expect([answer.status, answer.body.detail]).toEqual([
      400,
      'Invalid query parameter date "1990-01-02": Banxico SIE\'s FIX (SF43718) starts on 1991-11-12; nothing applies on 1990-01-02. Expected a date on or after the source\'s first date.',
    ]);
  });

  it('answers a bad amount with a 400 problem naming it, with the quota headers', async () => {
    const answer = await convert('amount=1e3&from=USD&to=MXN&kind=fix');

    expect([answer.status, answer.headers.get('content-type'), answer.body]).toEqual([
      400,
      'application/problem+json',
      {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail:
          'Invalid query parameter amount "1e3": exponent notation is not accepted. Expected a positive decimal such as 1000.00: digits and one dot, at most 15 integer digits and at most 2 decimals for USD (SAT c_Moneda).',
      },
    ]);
    expect(answer.headers.get('ratelimit')).toMatch(/^"minute";r=\d+;t=\d+$/);
  });

  it('answers every bad amount of the issue with a 400 naming amount, and 0.01 / 999999999.99 exactly', async () => {
    const refused: Record<string, [number, string]> = {};
    for (const [amount, from, to] of [
      ['1e3', 'USD', 'MXN'],
      ['-5', 'USD', 'MXN'],
      ['0.001', 'MXN', 'USD'],
      ['abc', 'USD', 'MXN'],
      ['1234567890123456', 'USD', 'MXN'],
      ['', 'USD', 'MXN'],
    ]) {
      const answer = await convert(`amount=${amount}&from=${from}&to=${to}&kind=dof`);
      refused[amount ?? ''] = [answer.status, answer.body.detail.split(':')[0]];
    }
    const exact: string[] = [];
    for (const amount of ['0.01', '999999999.99']) {
      const mxn = await convert(`amount=${amount}&from=USD&to=MXN&kind=dof`);
      const usd = await convert(`amount=${mxn.body.result}&from=MXN&to=USD&kind=dof`);
      exact.push(`${amount} → ${mxn.body.result} → ${usd.body.result}`);
    }

    const invalid = (amount: string): [number, string] => [400, `Invalid query parameter amount "${amount}"`];
    expect(refused).toEqual({
      '1e3': invalid('1e3'),
      '-5': invalid('-5'),
      '0.001': invalid('0.001'),
      abc: invalid('abc'),
      '1234567890123456': invalid('1234567890123456'),
      '': invalid(''),
    });
    // At the DOF of 13 Nov 2020, 20.5303 MXN per USD.
    expect(exact).toEqual(['0.01 → 0.21 → 0.01', '999999999.99 → 20530299999.79 → 999999999.99']);
  });

  it('refuses a request without credentials before the function runs', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/convert?amount=1&from=USD&to=MXN&kind=fix`);
    await response.arrayBuffer();

    expect(response.status).toBe(401);
  });
});
