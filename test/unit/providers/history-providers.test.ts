import { afterEach, describe, expect, it } from 'vitest';
import { mexicoCityInstant } from '../../../lib/core/mexico-time.js';
import {
  fetchBanxicoFix,
  fetchSieRange,
  parseBanxicoSeries,
  parseSieObservations,
} from '../../../lib/providers/banxico.js';
import { fetchFixerHistorical, parseFixerHistorical } from '../../../lib/providers/fixer.js';
import { assertSourceTimes } from '../../../lib/rates/time-checks.js';
import { answer, type LocalHttpServer, startLocalHttpServer } from '../../helpers/local-http-server.js';
import {
  expectProviderError,
  providerContextFor,
  rejectionOf,
  thrownBy,
} from '../../helpers/provider-context.js';
import { readCapture, SIE_RANGE_CAPTURE } from '../../helpers/upstream-files.js';

const JSON_TYPE = 'application/json;charset=UTF-8';
const XML_TYPE = 'application/xml;charset=UTF-8';
const TOKEN = 'f00dfeed'.repeat(8);
const settlementRange = readCapture('banxico-sie_SF60653_range_2020-11-26_2020-11-27.json');
const fixOportuno = readCapture('banxico-sie_SF43718_oportuno_2020-11-27.json');
const settlementOportuno = readCapture('banxico-sie_SF60653_oportuno_asof-2020-11-29.json');

/**
 * Both oportuno captures in one body, as SIE answers `/series/SF43718,SF60653/datos/oportuno`
 * (optionally with another SF60653 value).
 */
function bothOportuno(settlementDato?: string): Buffer {
  const settlement = settlementOportuno.toString('utf8');
  const series = [
    fixOportuno.toString('utf8'),
    settlementDato === undefined ? settlement : settlement.replace('"20.0777"', `"${settlementDato}"`),
  ].flatMap((text) => (JSON.parse(text) as { bmx: { series: unknown[] } }).bmx.series);
  return Buffer.from(JSON.stringify({ bmx: { series } }));
}

function fixerBody(fields: Record<string, unknown>): Buffer {
  return Buffer.from(
    JSON.stringify({
      success: true,
      timestamp: 1606521599,
      historical: true,
      base: 'EUR',
      date: '2020-11-27',
      rates: { USD: 1.196, MXN: 24.01 },
      ...fields,
    }),
  );
}

describe('SIE range bodies', () => {
  it('reads both range captures, oldest first, by idSerie', () => {
    expect(parseSieObservations(readCapture(SIE_RANGE_CAPTURE), JSON_TYPE, 'SF43718')).toEqual([
      { date: '2020-11-26', value: 20.0467 },
      { date: '2020-11-27', value: 20.0777 },
    ]);
    expect(parseSieObservations(settlementRange, JSON_TYPE, 'SF60653')).toEqual([
      { date: '2020-11-26', value: 20.0577 },
      { date: '2020-11-27', value: 20.0465 },
    ]);
  });

  it('reads the XML rendering, keeps N/E as a missing value, and sorts', () => {
    const xml = Buffer.from(
      '<series><serie idSerie="SF43718" titulo="x">' +
        '<Obs><dato>20.0777</dato><fecha>27/11/2020</fecha></Obs>' +
        '<Obs><dato>N/E</dato><fecha>30/11/2020</fecha></Obs>' +
        '<Obs><dato>20.0467</dato><fecha>26/11/2020</fecha></Obs></serie></series>',
    );

    expect(parseSieObservations(xml, XML_TYPE, 'SF43718')).toEqual([
      { date: '2020-11-26', value: 20.0467 },
      { date: '2020-11-27', value: 20.0777 },
      { date: '2020-11-30', value: undefined },
    ]);
  });

  it('calls a layout change a body without the series asked for', () => {
    const error = thrownBy(() => parseSieObservations(settlementRange, JSON_TYPE, 'SF43718'));

    expectProviderError(error, 'layout_changed');
  });
});

describe('fetchSieRange', () => {
  let server: LocalHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('asks for one range with the token in the header and returns its observations', async () => {
    server = await startLocalHttpServer(answer(200, settlementRange, { 'Content-Type': JSON_TYPE }));

    const observations = await fetchSieRange(
      providerContextFor(server.url, { banxicoToken: TOKEN }),
      'SF60653',
      '2020-11-26',
      '2020-11-27',
    );

    expect(server.requests.map((request) => request.url)).toEqual([
      '/SieAPIRest/service/v1/series/SF60653/datos/2020-11-26/2020-11-27',
    ]);
    expect(server.requests[0]?.headers).toMatchObject({ 'bmx-token': TOKEN, accept: 'application/json' });
    expect(observations).toHaveLength(2);
  });

  it('asks for XML when configured so', async () => {
    const xml =
      '<series><serie idSerie="SF43718"><Obs><dato>20.0777</dato><fecha>27/11/2020</fecha></Obs></serie></series>';
    server = await startLocalHttpServer(answer(200, xml, { 'Content-Type': XML_TYPE }));

    const observations = await fetchSieRange(
      providerContextFor(server.url, { banxicoFormat: 'xml' }),
      'SF43718',
      '2020-11-27',
      '2020-11-27',
    );

    expect(server.requests[0]?.url).toBe(
      '/SieAPIRest/service/v1/series/SF43718/datos/2020-11-27/2020-11-27?mediaType=xml',
    );
    expect(observations).toEqual([{ date: '2020-11-27', value: 20.0777 }]);
  });

  it('refuses an observation outside the range asked for', async () => {
    server = await startLocalHttpServer(answer(200, settlementRange, { 'Content-Type': JSON_TYPE }));

    const error = await rejectionOf(
      fetchSieRange(providerContextFor(server.url), 'SF60653', '2020-11-27', '2020-11-27'),
    );

    expectProviderError(error, 'layout_changed');
    expect((error as Error).message).toBe(
      'Banxico SIE response layout changed: SF60653 range 2020-11-27…2020-11-27 holds 2020-11-26',
    );
  });

  it('fails without calling SIE when no token is configured', async () => {
    server = await startLocalHttpServer(answer(200, settlementRange));

    const error = await rejectionOf(
      fetchSieRange(
        providerContextFor(server.url, { banxicoToken: '' }),
        'SF60653',
        '2020-11-26',
        '2020-11-27',
      ),
    );

    expectProviderError(error, 'not_configured');
    expect(server.requests).toHaveLength(0);
  });
});

describe('SF60653 as a live source', () => {
  it('reads both series from one oportuno body: the FIX and the FIX by settlement date', () => {
    const parsed = parseBanxicoSeries(bothOportuno(), JSON_TYPE);

    expect(parsed.rates).toEqual([
      expect.objectContaining({ key: 'banxico', value: 20.0777, date: '2020-11-27', kind: 'fix' }),
      expect.objectContaining({
        key: 'banxico_para_pagos',
        value: 20.0777,
        date: '2020-12-01',
        kind: 'para_pagos',
        lastUpdated: mexicoCityInstant('2020-11-27', 12).toISOString(),
        provenance: { series_id: 'SF60653', row_date: '2020-12-01' },
      }),
    ]);
    expect(parsed.rates[1]?.source).toMatch(/^Banxico SIE — serie SF60653 /);
    expect(parsed.warnings).toBeUndefined();
  });

  it('warns when the settlement-dated value is not the latest FIX', () => {
    const parsed = parseBanxicoSeries(bothOportuno('20.0700'), JSON_TYPE);

    expect(parsed.rates[1]?.value).toBe(20.07);
    expect(parsed.warnings).toEqual(['SF60653 2020-12-01 = 20.07 differs from the latest FIX 20.0777']);
  });

  it('accepts the settlement date two banking days ahead of today, and not a day more', () => {
    const parsed = parseBanxicoSeries(bothOportuno(), JSON_TYPE);
    const tooFar = {
      rates: parsed.rates.map((rate) =>
        rate.key === 'banxico_para_pagos' ? { ...rate, date: '2020-12-02' } : rate,
      ),
    };
    const sunday = Date.parse('2020-11-29T18:00:00Z');

    expect(() => assertSourceTimes(parsed, 'banxico', sunday)).not.toThrow();
    const error = thrownBy(() => assertSourceTimes(tooFar, 'banxico', sunday));
    expectProviderError(error, 'invalid_value');
    expect((error as Error).message).toBe(
      "Banxico SIE (banxico_para_pagos) is dated 2020-12-02, after the settlement of today's FIX (2020-12-01)",
    );
  });

  it('asks SIE for both series in one call', async () => {
    const server = await startLocalHttpServer(answer(200, bothOportuno(), { 'Content-Type': JSON_TYPE }));
    try {
      const parsed = await fetchBanxicoFix(providerContextFor(server.url));

      expect(server.requests.map((request) => request.url)).toEqual([
        '/SieAPIRest/service/v1/series/SF43718,SF60653/datos/oportuno',
      ]);
      expect(parsed.rates.map((rate) => rate.key)).toEqual(['banxico', 'banxico_para_pagos']);
    } finally {
      await server.close();
    }
  });
});

describe('Fixer historical bodies', () => {
  it('crosses EUR to USD→MXN like latest and keeps the inputs in provenance', () => {
    expect(parseFixerHistorical(fixerBody({}), '2020-11-27')).toEqual({
      date: '2020-11-27',
      value: 20.0753,
      lastUpdated: '2020-11-27T23:59:59.000Z',
      provenance: {
        base: 'EUR',
        timestamp: 1606521599,
        fixer_date: '2020-11-27',
        historical: 'true',
        eur_usd: 1.196,
        eur_mxn: 24.01,
      },
    });
  });

  it.each([
    ['another date than the one asked for', { date: '2020-11-26' }, 'invalid_value'],
    ['no historical flag (a latest body)', { historical: undefined }, 'layout_changed'],
    [
      'an error 106 body',
      { success: false, error: { code: 106, type: 'no_rates_available' } },
      'upstream_error',
    ],
    [
      'an error 104 body',
      { success: false, error: { code: 104, type: 'usage_limit_reached' } },
      'quota_exhausted',
    ],
  ])('refuses %s', (_name, fields, code) => {
    const error = thrownBy(() => parseFixerHistorical(fixerBody(fields), '2020-11-27'));

    expectProviderError(error, code);
  });
});

describe('fetchFixerHistorical', () => {
  let server: LocalHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('calls GET {base}/YYYY-MM-DD with the key and both symbols', async () => {
    server = await startLocalHttpServer(answer(200, fixerBody({}), { 'Content-Type': 'application/json' }));

    const day = await fetchFixerHistorical(
      providerContextFor(server.url, { fixerAccessKey: 'k3y' }),
      '2020-11-27',
    );

    expect(server.requests.map((request) => request.url)).toEqual([
      '/api/2020-11-27?access_key=k3y&symbols=USD,MXN',
    ]);
    expect(day.value).toBe(20.0753);
  });

  it('fails without calling Fixer when no key is configured', async () => {
    server = await startLocalHttpServer(answer(200, fixerBody({})));

    const error = await rejectionOf(
      fetchFixerHistorical(providerContextFor(server.url, { fixerAccessKey: '' }), '2020-11-27'),
    );

    expectProviderError(error, 'not_configured');
    expect(server.requests).toHaveLength(0);
  });
});
