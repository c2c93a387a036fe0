import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../lib/core/provider-error.js';
import type { SourceId } from '../../../lib/core/rate.js';
import {
  answerAverageRequest,
  answerDatedRatesRequest,
  answerFiscalRequest,
  answerHistoryRequest,
  type HistoryRequest,
  type HistoryRouteDeps,
  IMMUTABLE_CACHE_CONTROL,
} from '../../../lib/http/history-routes.js';
import { HttpProblemError } from '../../../lib/http/problem.js';
import type { RatesBody } from '../../../lib/rates/envelope.js';
import { memoryHistoryReader, pageHistory, sieHistory } from '../../helpers/capture-history.js';

// 2020-11-30 18:00 UTC = 12:00 Mexico City (UTC-6 then).
const NOW = Date.parse('2020-11-30T18:00:00Z');

function deps(history = sieHistory()): HistoryRouteDeps & { reader: ReturnType<typeof memoryHistoryReader> } {
  return { reader: memoryHistoryReader(history), now: () => NOW };
}

function request(query: Record<string, string> | null, headers: Record<string, string> = {}): HistoryRequest {
  return { queryStringParameters: query, headers };
}

async function problem(
  promise: Promise<unknown>,
): Promise<{ status: number; detail: string; extensions: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpProblemError) {
      return { status: error.statusCode, detail: error.detail, extensions: error.extensions };
    }
    throw error;
  }
  throw new Error('expected a problem');
}

describe('GET /v1/rates?date=', () => {
  it('answers a past date with its own date and an immutable Cache-Control when all is final', async () => {
    const response = await answerDatedRatesRequest(
      request({ date: '2020-11-14' }),
      ['banxico'],
      deps(pageHistory()),
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['Cache-Control']).toBe(IMMUTABLE_CACHE_CONTROL);
    expect(response.headers?.ETag).toMatch(/^"[\w-]+"$/);
    const body = JSON.parse(response.body);
    expect(body.date).toBe('2020-11-14');
    expect(body.rates.banxico).toMatchObject({
      value: 20.4833,
      date: '2020-11-13',
      applies_since: '2020-11-13',
      final: true,
    });
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await answerDatedRatesRequest(request({ date: '2020-11-27' }), ['banxico'], deps());
    const etag = String(first.headers?.ETag);
    const second = await answerDatedRatesRequest(
      request({ date: '2020-11-27' }, { 'If-None-Match': etag }),
      ['banxico'],
      deps(),
    );
    expect(second).toMatchObject({ statusCode: 304, body: '' });
    expect(second.headers?.ETag).toBe(etag);
  });

  it.each([
    ['2024-02-30', 'date 2024-02-30 is not a calendar date (YYYY-MM-DD with a real month and day).'],
    ['05/01/2024', 'date must be a date written YYYY-MM-DD, e.g. 2024-01-05 (got "05/01/2024").'],
    [
      '2020-12-01',
      'date 2020-12-01 is in the future; rates exist up to today in Mexico City, 2020-11-30 (YYYY-MM-DD).',
    ],
  ])('refuses date=%s with a 400 naming date and its form', async (date, detail) => {
    expect(await problem(answerDatedRatesRequest(request({ date }), ['banxico'], deps()))).toEqual({
      status: 400,
      detail,
      extensions: {},
    });
  });

  it('still refuses unknown parameters by name', async () => {
    expect(
      await problem(answerDatedRatesRequest(request({ date: '2020-11-27', dat: 'x' }), ['banxico'], deps())),
    ).toEqual({
      status: 400,
      detail: 'Unknown query parameter: dat',
      extensions: {},
    });
  });

  it('answers 404 with errors when every source is before its history', async () => {
    expect(
      await problem(answerDatedRatesRequest(request({ date: '1990-01-02' }), ['banxico'], deps())),
    ).toEqual({
      status: 404,
      detail: 'No source has a rate that applies on 1990-01-02.',
      extensions: {
        errors: {
          banxico: {
            code: 'before_history',
            message: "Banxico SIE's FIX (SF43718) starts on 1991-11-12; nothing applies on 1990-01-02.",
          },
        },
      },
    });
  });

  it('answers 503 with Retry-After when the history store fails', async () => {
    const failing = deps();
    failing.reader.series = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    const error = await answerDatedRatesRequest(request({ date: '2020-11-27' }), ['banxico'], failing).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(HttpProblemError);
    expect(error).toMatchObject({ statusCode: 503, headers: { 'Retry-After': '5' } });
    expect(error.detail).not.toContain('ECONNREFUSED');
  });
});

describe('GET /v1/rates?date=<today in Mexico City>', () => {
  const liveRate = (value: number, date: string, kind: string) => ({
    value,
    date,
    last_updated: `${date}T18:00:00.000Z`,
    kind,
    source: `live ${kind}`,
    fetched_at: '2020-11-30T17:59:00.000Z',
    stale: false,
    fresh_until: '2020-11-30T18:10:00.000Z',
    next_update: '2020-11-30T18:10:00.000Z',
    provenance: { via: 'cache' },
  });
  // What the undated /v1/rates serves at 12:00 on 2020-11-30: the page's row of today, SIE's FIX of
  // the 27th (today's FIX is not out yet), and Fixer's rate now.
  const live = {
    base: 'USD',
    quote: 'MXN',
    rates: {
      dof: liveRate(20.0777, '2020-11-30', 'dof'),
      dof_para_pagos: liveRate(20.0467, '2020-11-30', 'para_pagos'),
      banxico: liveRate(20.0777, '2020-11-27', 'fix'),
      fixer: liveRate(20.0312, '2020-11-30', 'market'),
    },
    errors: {},
    consistency: {},
  } as unknown as RatesBody;

  function todayDeps() {
    const base = deps();
    const asked: (readonly string[])[] = [];
    return {
      ...base,
      asked,
      live: async (sources: readonly SourceId[]) => {
        asked.push(sources);
        return live;
      },
    };
  }

  it('serves the live cached rates that apply today, not final, and no Fixer error', async () => {
    const todays = todayDeps();
    const response = await answerDatedRatesRequest(
      request({ date: '2020-11-30' }),
      ['dof', 'banxico', 'fixer'],
      todays,
    );
    const body = JSON.parse(response.body);

    expect(response.headers?.['Cache-Control']).toBe('private, max-age=60');
    expect(body.date).toBe('2020-11-30');
    expect(body.errors).toEqual({});
    expect(body.rates.fixer).toMatchObject({
      value: 20.0312,
      date: '2020-11-30',
      final: false,
      kind: 'market',
    });
    expect(body.rates.dof).toMatchObject({ value: 20.0777, date: '2020-11-30', final: false });
    expect(body.rates.dof_para_pagos).toMatchObject({ value: 20.0467, final: false });
    // The live FIX is the 27th's: it does not apply as today's own, the dated rules answer it.
    expect(body.rates.banxico).toMatchObject({
      value: 20.0777,
      date: '2020-11-27',
      applies_since: '2020-11-27',
    });
    expect(body.rates.banxico.source).not.toBe('live fix');
    expect(todays.asked).toEqual([['dof', 'banxico', 'fixer']]);
    // Today's Fixer is the live one: its historical endpoint is never asked for today.
    expect(todays.reader.calls.fixerOn).toEqual([]);
  });

  it('keeps a past date free of live rates, and today dated-only when the cache fails', async () => {
    const todays = todayDeps();
    const past = JSON.parse(
      (await answerDatedRatesRequest(request({ date: '2020-11-27' }), ['fixer', 'banxico'], todays)).body,
    );
    todays.live = async () => {
      throw new Error('cache down');
    };
    const today = JSON.parse(
      (await answerDatedRatesRequest(request({ date: '2020-11-30' }), ['banxico', 'fixer'], todays)).body,
    );

    expect(todays.asked).toEqual([]);
    expect(past.rates.fixer).toBeUndefined();
    expect(today.rates.fixer).toBeUndefined();
    expect(today.errors.fixer).toBeDefined();
  });
});

describe('GET /v1/rates/history', () => {
  const range = { from: '2020-11-10', to: '2020-11-15' };

  it('answers JSON rows by default, with the Fixer note', async () => {
    const response = await answerHistoryRequest(request(range), deps(pageHistory()));
    expect(response.headers?.['Content-Type']).toBe('application/json');
    expect(response.headers?.Vary).toBe('Accept');
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({ from: '2020-11-10', to: '2020-11-15' });
    expect(body.rows).toHaveLength(6);
    expect(body.notes.fixer).toContain('only Fixer values already stored');
    // 10/11's para pagos is before the capture: not final, so no immutable caching.
    expect(response.headers?.['Cache-Control']).toBe('private, max-age=60');
  });

  it('answers CSV for format=csv and for Accept: text/csv, as a named attachment a CSV parser reads', async () => {
    for (const [query, headers] of [
      [{ ...range, format: 'csv' }, {}],
      [range, { Accept: 'text/csv' }],
    ] as const) {
      const response = await answerHistoryRequest(request(query, headers), deps(pageHistory()));
      expect(response.headers?.['Content-Type']).toBe('text/csv; charset=utf-8; header=present');
      expect(response.headers?.['Content-Disposition']).toBe(
        'attachment; filename="tipo-de-cambio_2020-11-10_2020-11-15.csv"',
      );
      const records = parse(response.body, { columns: true, cast: true }) as Array<Record<string, unknown>>;
      expect(records[3]).toEqual({
        date: '2020-11-13',
        fix: 20.4833,
        dof: 20.5303,
        para_pagos: 20.5772,
        fixer: '',
      });
    }
  });

  it('answers NDJSON for Accept: application/x-ndjson', async () => {
    const response = await answerHistoryRequest(
      request(range, { accept: 'application/x-ndjson' }),
      deps(pageHistory()),
    );
    expect(response.headers?.['Content-Type']).toBe('application/x-ndjson');
    expect(
      response.body
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).date),
    ).toHaveLength(6);
  });

  it('costs one SF43718 read and one stored-Fixer read, never a Fixer call', async () => {
    const routeDeps = deps(pageHistory());
    await answerHistoryRequest(request(range), routeDeps);
    expect(routeDeps.reader.calls).toEqual({
      series: [['SF43718', '2020-10-27', '2020-11-15']],
      fixerOn: [],
      storedFixer: 1,
    });
  });

  it.each([
    [
      { from: '2020-11-12', to: '2020-11-10' },
      'from 2020-11-12 is after to 2020-11-10; from must be on or before to.',
    ],
    [
      { from: '2019-01-01', to: '2020-01-02' },
      'The range from 2019-01-01 to 2020-01-02 has 367 days; at most 366 are allowed (to ≤ 2020-01-01).',
    ],
    [{ from: '2020-11-01' }, 'to is required (YYYY-MM-DD).'],
    [{ ...range, format: 'xml' }, 'format must be one of json, csv, ndjson (got "xml").'],
  ])('refuses %o with a 400', async (query, detail) => {
    expect(await problem(answerHistoryRequest(request(query), deps()))).toEqual({
      status: 400,
      detail,
      extensions: {},
    });
  });
});

describe('GET /v1/rates/fiscal', () => {
  it('answers a Monday with Friday’s DOF publication and the rule that applied', async () => {
    const response = await answerFiscalRequest(request({ date: '2020-11-30' }), deps());
    expect(JSON.parse(response.body)).toMatchObject({
      date: '2020-11-30',
      value: 20.0467,
      dof_date: '2020-11-27',
      fix_date: '2020-11-26',
      kind: 'fiscal',
      rule: 'CFF art. 20, tercer párrafo: última publicación anterior (el día anterior a D no hubo publicación en el DOF)',
    });
  });

  it('refuses an unknown kind', async () => {
    expect(await problem(answerFiscalRequest(request({ date: '2020-11-30', kind: 'fix' }), deps()))).toEqual({
      status: 400,
      detail: 'kind must be one of fiscal, para_pagos (got "fix").',
      extensions: {},
    });
  });

  it('answers 503 naming the SIE error when the reader fails', async () => {
    const failing = deps();
    failing.reader.series = async () => {
      throw new ProviderError('not_configured', 'BANXICO_TOKEN is not set');
    };
    expect(await problem(answerFiscalRequest(request({ date: '2020-11-30' }), failing))).toEqual({
      status: 503,
      detail: 'BANXICO_TOKEN is not set',
      extensions: { errors: { banxico: { code: 'not_configured', message: 'BANXICO_TOKEN is not set' } } },
    });
  });
});

describe('GET /v1/rates/average', () => {
  it('answers the month’s average, provisional while the data has not closed the month', async () => {
    const response = await answerAverageRequest(
      request({ month: '2020-11', kind: 'fix' }),
      deps(pageHistory()),
    );
    expect(JSON.parse(response.body)).toEqual({
      month: '2020-11',
      kind: 'fix',
      average: 20.4705,
      observations: 5,
      first_date: '2020-11-09',
      last_date: '2020-11-13',
      provisional: true,
    });
    expect(response.headers?.['Cache-Control']).toBe('private, max-age=60');
  });

  it.each([
    [
      { month: '2020-12', kind: 'fix' },
      'month 2020-12 is in the future; the current month in Mexico City is 2020-11 (YYYY-MM).',
    ],
    [
      { month: '2020/11', kind: 'fix' },
      'month must be a month written YYYY-MM, e.g. 2024-01 (got "2020/11").',
    ],
    [{ month: '2020-11', kind: 'market' }, 'kind must be one of fix, dof (got "market").'],
  ])('refuses %o with a 400', async (query, detail) => {
    expect(await problem(answerAverageRequest(request(query), deps()))).toEqual({
      status: 400,
      detail,
      extensions: {},
    });
  });
});
