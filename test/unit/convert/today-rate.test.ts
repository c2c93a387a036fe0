import { describe, expect, it } from 'vitest';
import { ConvertQueryError } from '../../../lib/convert/query.js';
import { createTodayRateForConversion } from '../../../lib/convert/today-rate.js';
import { ProviderError } from '../../../lib/core/provider-error.js';
import type { ParsedSource, SourceId } from '../../../lib/core/rate.js';
import { parseBanxicoSeries, parseDofPage, parseFixerLatest } from '../../../lib/providers/index.js';
import type { SourceOutcome } from '../../../lib/rates/rate-service.js';
import { DOF_CAPTURE, readCapture, readFixture, SIE_OPORTUNO_CAPTURE } from '../../helpers/upstream-files.js';

const FETCHED_AT = Date.parse('2020-11-29T17:00:00.000Z');

/** What the real parsers make of the real captures (the DOF page as of Sunday 15 Nov 2020). */
const captured: Record<SourceId, ParsedSource> = {
  dof: parseDofPage(readCapture(DOF_CAPTURE)),
  fixer: parseFixerLatest(readFixture('fixer_latest_documented-example.json')),
  banxico: parseBanxicoSeries(readCapture(SIE_OPORTUNO_CAPTURE), 'application/json'),
};

function served(source: SourceId, parsed: ParsedSource | undefined = captured[source]): SourceOutcome {
  return {
    source,
    value:
      parsed === undefined
        ? undefined
        : {
            parsed,
            dataDate: '',
            dataVersion: '',
            fetchedAt: FETCHED_AT,
            freshUntil: FETCHED_AT + 60_000,
            nextExpectedUpdate: FETCHED_AT + 60_000,
          },
    stale: false,
    error: undefined,
  };
}

/** The rate function over fixed outcomes, at a Mexico City noon of `today`. */
function rateFor(today: string, outcomes: Partial<Record<SourceId, SourceOutcome>> = {}) {
  const asked: SourceId[][] = [];
  const rateForConversion = createTodayRateForConversion({
    getSources: async (sources) => {
      asked.push([...sources]);
      return sources.map((source) => outcomes[source] ?? served(source));
    },
    now: () => Date.parse(`${today}T18:00:00.000Z`),
  });
  return { rateForConversion, asked };
}

describe('today-only rateForConversion', () => {
  it('gives the FIX of the SIE capture (27 Nov 2020, 20.0777) with its rule and provenance', async () => {
    const { rateForConversion, asked } = rateFor('2020-11-29');

    expect(await rateForConversion('fix', undefined)).toEqual({
      kind: 'fix',
      value: 20.0777,
      date: '2020-11-27',
      rule: 'FIX(D): determined by Banxico on banking day D (SIE series SF43718), published from 12:00 Mexico City',
      source: captured.banxico.rates[0]?.source,
      provenance: { series_id: 'SF43718', row_date: '2020-11-27', fetched_at: '2020-11-29T17:00:00.000Z' },
    });
    expect(asked).toEqual([['banxico']]);
  });

  it('gives the DOF, para pagos and market rates of their sources', async () => {
    const { rateForConversion, asked } = rateFor('2020-11-15');

    const [dof, paraPagos, market] = await Promise.all(
      (['dof', 'para_pagos', 'market'] as const).map((kind) => rateForConversion(kind, '2020-11-15')),
    );

    expect([dof?.value, dof?.date, dof?.rule]).toEqual([
      20.5303,
      '2020-11-13',
      'DOF(D) = FIX(previous banking day), as the DOF publishes it on D',
    ]);
    expect([paraPagos?.value, paraPagos?.date, paraPagos?.kind]).toEqual([
      20.5303,
      '2020-11-15',
      'para_pagos',
    ]);
    expect([market?.value, market?.date, market?.provenance.eur_mxn]).toEqual([20.0753, '2020-11-27', 24.01]);
    expect(asked).toEqual([['dof'], ['dof'], ['fixer']]);
  });

  it('gives fiscal on a Sunday as the last publication before it: Friday 13 Nov 2020', async () => {
    const { rateForConversion } = rateFor('2020-11-15');

    expect(await rateForConversion('fiscal', undefined)).toMatchObject({
      kind: 'fiscal',
      value: 20.5303,
      date: '2020-11-13',
      rule: 'fiscal(D), CFF art. 20 third paragraph: the last DOF publication before that day (última publicación anterior)',
      provenance: { row_date: '2020-11-13', column: 'Publicación DOF', publication_date: '2020-11-13' },
    });
  });

  it('gives fiscal on a Saturday as the publication of the day before', async () => {
    const { rateForConversion } = rateFor('2020-11-14');

    expect(await rateForConversion('fiscal', undefined)).toMatchObject({
      value: 20.5303,
      date: '2020-11-13',
      rule: 'fiscal(D), CFF art. 20 third paragraph: the DOF publication of the day before (publicación del día anterior)',
    });
  });

  it("gives fiscal on a banking day whose DOF is already published as the previous day's (para pagos)", async () => {
    // The page as of Friday 13 Nov 2020: DOF(13) = 20.5303 is today's, so fiscal(13) is the
    // publication of Thursday 12, which is para pagos(13) = 20.5772.
    const rates = captured.dof.rates.map((rate) =>
      rate.key === 'dof_para_pagos' ? { ...rate, value: 20.5772, date: '2020-11-13' } : rate,
    );
    const { rateForConversion } = rateFor('2020-11-13', { dof: served('dof', { rates }) });

    expect(await rateForConversion('fiscal', undefined)).toMatchObject({
      value: 20.5772,
      date: '2020-11-12',
      rule: 'fiscal(D), CFF art. 20 third paragraph: the DOF publication of the day before (publicación del día anterior)',
      provenance: { column: 'Para pagos', publication_date: '2020-11-12' },
    });
  });

  it("refuses fiscal when today's DOF is the only publication the page shows", async () => {
    const rates = captured.dof.rates.filter((rate) => rate.key === 'dof');
    const { rateForConversion } = rateFor('2020-11-13', { dof: served('dof', { rates }) });

    await expect(rateForConversion('fiscal', undefined)).rejects.toThrow(
      new ProviderError('not_published', 'The source has no dof_para_pagos rate'),
    );
  });

  it("throws the source's own error when it has nothing to serve", async () => {
    const failing: SourceOutcome = {
      source: 'fixer',
      value: undefined,
      stale: false,
      error: { code: 'quota_exhausted', message: 'Fixer: monthly budget spent', retryAfterSeconds: 3600 },
    };
    const { rateForConversion } = rateFor('2020-11-29', { fixer: failing });

    const error = await rateForConversion('market', undefined).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: 'quota_exhausted',
      message: 'Fixer: monthly budget spent',
      retryAfterSeconds: 3600,
    });
  });

  it('refuses any date but today, naming the parameter', async () => {
    const { rateForConversion, asked } = rateFor('2020-11-29');

    const error = await rateForConversion('fix', '2020-11-27').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConvertQueryError);
    expect(error).toMatchObject({
      parameter: 'date',
      message:
        'Invalid query parameter date "2020-11-27": this deployment converts at today\'s rates only. Expected no date, or today\'s (2020-11-29 in Mexico City).',
    });
    expect(asked).toEqual([]);
  });
});
