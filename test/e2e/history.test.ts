import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mexicoCityDate } from '../../lib/core/mexico-time.js';
import type { AverageBody, FiscalBody, HistoryBody } from '../../lib/history/answers.js';
import type { DatedRatesBody } from '../../lib/history/dated-rates.js';
import { syntheticHistory } from '../../scripts/lib/history-dataset.js';
import { type RunningStack, startStack, upstreamEnv } from '../../scripts/lib/local-stack.js';
import { type RatesClient, ratesClient } from '../../scripts/lib/rates-client.js';
import { type ReplayServer, startReplayServer } from '../../scripts/lib/replay-server.js';

/**
 * The dated routes over HTTP on the real `npm start` stack (issue 15), with a replay server
 * serving SIE ranges and Fixer historical days from a synthetic dataset (every computed
 * banking day of 2022–2024; never real rates: the real captures are checked by the unit
 * tests in test/unit/history/). Every answer is checked against openapi.yaml by ratesClient.
 * The tests that count upstream calls ask for calendar years no earlier test has read
 * (2022 for the 1,000 requests, 2023–2024 for the 366-day range), so the calls are theirs.
 */

const FIXER_KEY = 'history-e2e-fixer-key';
const BANXICO_TOKEN = 'history-e2e-banxico-token';
const IMMUTABLE = 'private, max-age=31536000, immutable';
const SIE_PATH = /^\/SieAPIRest\/service\/v1\/series\/(SF\d+)\/datos\/\d{4}-\d{2}-\d{2}\/\d{4}-\d{2}-\d{2}$/;
const FIXER_HISTORICAL_PATH = /^\/api\/\d{4}-\d{2}-\d{2}$/;

let replay: ReplayServer;
let stack: RunningStack;
let api: RatesClient;

beforeAll(async () => {
  replay = await startReplayServer({
    fixerAccessKey: FIXER_KEY,
    banxicoToken: BANXICO_TOKEN,
    history: syntheticHistory('2022-01-01', '2024-12-31'),
  });
  stack = await startStack({
    env: {
      ...upstreamEnv(replay, { fixerAccessKey: FIXER_KEY, banxicoToken: BANXICO_TOKEN }),
      // The per-client quota is not under test here: a thousand requests must pass it.
      QUOTA_PRO_PER_MINUTE: '1000000',
      QUOTA_PRO_PER_DAY: '100000000',
    },
  });
  api = await ratesClient(stack);
  // Boot each route's Lambda once (no upstream call: a 400 is answered before any read).
  for (const route of ['/v1/rates', '/v1/rates/history', '/v1/rates/fiscal', '/v1/rates/average']) {
    await (await api.get(`${route}?date=x&from=x&month=x`)).arrayBuffer();
  }
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await replay?.close();
});

/** Upstream calls since the last reset: SIE range calls per series, Fixer historical calls. */
function upstreamCalls(): { sie: Record<string, number>; fixerHistorical: number } {
  const sie: Record<string, number> = {};
  let fixerHistorical = 0;
  for (const [path, count] of Object.entries(replay.pathHits())) {
    const series = SIE_PATH.exec(path)?.[1];
    if (series !== undefined) sie[series] = (sie[series] ?? 0) + count;
    if (FIXER_HISTORICAL_PATH.test(path)) fixerHistorical += count;
  }
  return { sie, fixerHistorical };
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
}

/** The JSON body, typed as what the route answers (openapi.yaml has checked it already). */
async function getJson<T = DatedRatesBody>(path: string, init?: RequestInit) {
  const response = await api.get(path, init);
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

describe('GET /v1/rates?date=', () => {
  it('answers 1,000 requests for one past date with one upstream call per source, cached immutable', async () => {
    replay.resetHits();
    const REQUESTS = 1000;
    const CONCURRENCY = 20;
    const statuses = new Map<number, number>();
    const bodies = new Set<string>();
    let issued = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (issued < REQUESTS) {
          issued += 1;
          const response = await api.get('/v1/rates?date=2022-06-15');
          const body = await response.text();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status === 200) {
            bodies.add(body);
            expect(response.headers.get('cache-control')).toBe(IMMUTABLE);
          }
        }
      }),
    );
    process.stderr.write(`[history e2e] ${REQUESTS} dated requests: ${JSON.stringify([...statuses])}\n`);

    // SF43718 for the rates, SF60653 for the para-pagos check, Fixer's historical day.
    expect(upstreamCalls()).toEqual({ sie: { SF43718: 1, SF60653: 1 }, fixerHistorical: 1 });
    // Only serverless-offline's own 504 (a Lambda outlasting its timeout on a starved box) is tolerated.
    expect([...statuses.keys()].filter((status) => status !== 200 && status !== 504)).toEqual([]);
    expect(statuses.get(200)).toBeGreaterThan(REQUESTS / 2);
    expect(bodies.size).toBe(1);
    const body = JSON.parse([...bodies][0] ?? '{}');
    expect(body.date).toBe('2022-06-15');
    expect(Object.keys(body.rates)).toEqual([
      'dof',
      'dof_para_pagos',
      'banxico',
      'banxico_para_pagos',
      'fixer',
    ]);
    expect(body.rates.banxico_para_pagos?.value).toBe(body.rates.dof_para_pagos?.value);
    expect(body.errors).toEqual({});
    expect(body.consistency.para_pagos_vs_sf60653.ok).toBe(true);
    expect(body.consistency.fixer_vs_fix.ok).toBe(true);
  }, 600_000);

  it('answers a Saturday and a bank holiday with the value that applies and applies_since', async () => {
    const saturday = await getJson('/v1/rates?date=2022-03-19');
    const friday = await getJson('/v1/rates/banxico?date=2022-03-18');
    expect(saturday.body.rates.banxico).toMatchObject({
      value: friday.body.rates.banxico?.value,
      date: '2022-03-18',
      applies_since: '2022-03-18',
      final: true,
    });
    expect(saturday.body.rates.dof).toMatchObject({ date: '2022-03-18', applies_since: '2022-03-18' });
    expect(saturday.body.consistency.para_pagos_vs_sf60653).toMatchObject({ ok: null, sf60653: null });

    // Monday 2022-03-21 was a bank holiday (Benito Juárez's birthday, third Monday of March).
    const holiday = await getJson('/v1/rates/dof?date=2022-03-21');
    expect(holiday.body.rates.dof).toMatchObject({
      date: '2022-03-18',
      applies_since: '2022-03-18',
      final: true,
    });
    expect(holiday.body.rates.dof_para_pagos?.applies_since).toBeUndefined();
    expect(holiday.headers.get('cache-control')).toBe(IMMUTABLE);
  });

  it('answers date=<today in Mexico City> with the live cached Fixer rate, not final, without a historical call', async () => {
    const today = mexicoCityDate(new Date());
    const undated = await getJson<{ rates: Record<string, { value: number }> }>('/v1/rates');
    replay.resetHits();
    const dated = await getJson(`/v1/rates?date=${today}`);
    const fixerOnly = await getJson(`/v1/rates/fixer?date=${today}`);

    expect(dated.status).toBe(200);
    expect(dated.body.date).toBe(today);
    expect(dated.body.errors.fixer).toBeUndefined();
    expect(dated.body.rates.fixer).toMatchObject({ value: undated.body.rates.fixer?.value, final: false });
    expect(fixerOnly.body.rates.fixer).toMatchObject({
      value: undated.body.rates.fixer?.value,
      final: false,
    });
    expect(dated.headers.get('cache-control')).toBe('private, max-age=60');
    expect(upstreamCalls().fixerHistorical).toBe(0);
  });

  it('refuses malformed and future dates with a 400 naming date', async () => {
    for (const [date, detail] of [
      ['2024-02-30', 'date 2024-02-30 is not a calendar date (YYYY-MM-DD with a real month and day).'],
      ['05/01/2024', 'date must be a date written YYYY-MM-DD, e.g. 2024-01-05 (got "05/01/2024").'],
    ]) {
      const answer = await getJson<Problem>(`/v1/rates?date=${encodeURIComponent(date ?? '')}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail });
    }
    const future = await getJson<Problem>('/v1/rates/fixer?date=2999-01-01');
    expect(future.status).toBe(400);
    expect(future.body.detail).toMatch(
      /^date 2999-01-01 is in the future; rates exist up to today in Mexico City/,
    );
  });
});

describe('GET /v1/rates/history', () => {
  it('costs at most two SIE calls for a 366-day range, and none to Fixer', async () => {
    replay.resetHits();
    const answer = await getJson<HistoryBody>('/v1/rates/history?from=2023-03-01&to=2024-02-29');
    expect(answer.status).toBe(200);
    expect(answer.body.rows).toHaveLength(366);
    // At most two (issue 15); the missing years 2023 and 2024 are one span, so one call over both.
    const calls = upstreamCalls();
    expect(calls.sie.SF43718).toBeLessThanOrEqual(2);
    expect(calls).toEqual({ sie: { SF43718: 1 }, fixerHistorical: 0 });
    expect(answer.headers.get('cache-control')).toBe(IMMUTABLE);
  });

  it('answers CSV a CSV parser reads as dates and numbers, as a named attachment', async () => {
    const response = await api.get('/v1/rates/history?from=2023-03-15&to=2023-03-21', {
      headers: { Accept: 'text/csv' },
    });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="tipo-de-cambio_2023-03-15_2023-03-21.csv"',
    );
    const records = parse(await response.text(), { columns: true, cast: true }) as Array<
      Record<string, unknown>
    >;
    expect(records.map((record) => record.date)).toEqual([
      '2023-03-15',
      '2023-03-16',
      '2023-03-17',
      '2023-03-18',
      '2023-03-19',
      '2023-03-20',
      '2023-03-21',
    ]);
    for (const record of records) {
      expect(typeof record.fix).toBe('number');
      expect(typeof record.dof).toBe('number');
      expect(typeof record.para_pagos).toBe('number');
    }
    // Saturday to the Monday holiday carry Friday's FIX.
    expect(records[3]?.fix).toBe(records[2]?.fix);
    expect(records[5]?.fix).toBe(records[2]?.fix);
  });

  it('refuses a range over 366 days, saying the limit', async () => {
    const answer = await getJson<Problem>('/v1/rates/history?from=2023-01-01&to=2024-01-02');
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toBe(
      'The range from 2023-01-01 to 2024-01-02 has 367 days; at most 366 are allowed (to ≤ 2024-01-01).',
    );
  });
});

describe('GET /v1/rates/fiscal and /v1/rates/average', () => {
  it('gives a Monday the Friday DOF publication, by the "última publicación anterior" branch', async () => {
    const fiscal = await getJson<FiscalBody>('/v1/rates/fiscal?date=2024-03-25');
    const friday = await getJson('/v1/rates/dof?date=2024-03-22');
    expect(fiscal.body).toMatchObject({
      date: '2024-03-25',
      value: friday.body.rates.dof?.value,
      dof_date: '2024-03-22',
      fix_date: '2024-03-21',
      kind: 'fiscal',
    });
    expect(fiscal.body.rule).toContain('CFF art. 20');
    expect(fiscal.body.rule).toContain('última publicación anterior');
    const paraPagos = await getJson<FiscalBody>('/v1/rates/fiscal?date=2024-03-25&kind=para_pagos');
    expect(paraPagos.body).toMatchObject({ value: fiscal.body.value, kind: 'para_pagos' });
  });

  it('averages a finished month over its observations', async () => {
    const answer = await getJson<AverageBody>('/v1/rates/average?month=2024-02&kind=fix');
    // February 2024: 21 weekdays less Constitution Day (Monday 5th).
    expect(answer.body).toMatchObject({
      month: '2024-02',
      kind: 'fix',
      observations: 20,
      first_date: '2024-02-01',
      last_date: '2024-02-29',
      provisional: false,
    });
    const unknownKind = await getJson<Problem>('/v1/rates/average?month=2024-02&kind=market');
    expect(unknownKind).toMatchObject({
      status: 400,
      body: { detail: 'kind must be one of fix, dof (got "market").' },
    });
  });
});
