import { describe, expect, it } from 'vitest';
import { createTodayRate, rateForConversionFrom } from '../../../lib/convert/today-rate.js';
import type { ConversionKind, ConversionRate } from '../../../lib/convert/types.js';
import { ProviderError } from '../../../lib/core/provider-error.js';
import type { ParsedSource, SourceId } from '../../../lib/core/rate.js';
import { FISCAL_RULE_DAY_BEFORE, FISCAL_RULE_LAST_BEFORE } from '../../../lib/history/fiscal.js';
import { DOF_RULE, FIX_RULE } from '../../../lib/history/rate-for-kind.js';
import { parseBanxicoSeries, parseDofPage, parseFixerLatest } from '../../../lib/providers/index.js';
import type { SourceOutcome } from '../../../lib/rates/serving.js';
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
  const rateForConversion = createTodayRate({
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

    expect(await rateForConversion('fix')).toEqual({
      kind: 'fix',
      value: 20.0777,
      date: '2020-11-27',
      rule: FIX_RULE,
      source: captured.banxico.rates[0]?.source,
      provenance: { series_id: 'SF43718', row_date: '2020-11-27', fetched_at: '2020-11-29T17:00:00.000Z' },
      stale: false,
    });
    expect(asked).toEqual([['banxico']]);
  });

  it('gives the DOF, para pagos and market rates of their sources', async () => {
    const { rateForConversion, asked } = rateFor('2020-11-15');

    const [dof, paraPagos, market] = await Promise.all(
      (['dof', 'para_pagos', 'market'] as const).map((kind) => rateForConversion(kind)),
    );

    expect([dof?.value, dof?.date, dof?.rule]).toEqual([20.5303, '2020-11-13', DOF_RULE]);
    expect([paraPagos?.value, paraPagos?.date, paraPagos?.kind]).toEqual([
      20.5303,
      '2020-11-15',
      'para_pagos',
    ]);
    expect([market?.value, market?.date, market?.provenance.eur_mxn]).toEqual([20.0753, '2020-11-27', 24.01]);
    expect(asked).toEqual([['dof'], ['dof'], ['fixer']]);
  });

  it("carries the rates routes' stale of the cached value it used", async () => {
    const { rateForConversion } = rateFor('2020-11-29', {
      banxico: { ...served('banxico'), stale: true },
      dof: { ...served('dof'), stale: true },
    });

    expect([(await rateForConversion('fix')).stale, (await rateForConversion('fiscal')).stale]).toEqual([
      true,
      true,
    ]);
    expect((await rateForConversion('market')).stale).toBe(false);
  });

  it('gives fiscal on a Sunday as the last publication before it: Friday 13 Nov 2020', async () => {
    const { rateForConversion } = rateFor('2020-11-15');

    expect(await rateForConversion('fiscal')).toMatchObject({
      kind: 'fiscal',
      value: 20.5303,
      date: '2020-11-13',
      rule: FISCAL_RULE_LAST_BEFORE,
      provenance: { row_date: '2020-11-13', column: 'Publicación DOF', publication_date: '2020-11-13' },
    });
  });

  it('gives fiscal on a Saturday as the publication of the day before', async () => {
    const { rateForConversion } = rateFor('2020-11-14');

    expect(await rateForConversion('fiscal')).toMatchObject({
      value: 20.5303,
      date: '2020-11-13',
      rule: FISCAL_RULE_DAY_BEFORE,
    });
  });

  it("gives fiscal on a banking day whose DOF is already published as the previous day's (para pagos)", async () => {
    // The page as of Friday 13 Nov 2020: DOF(13) = 20.5303 is today's, so fiscal(13) is the
    // publication of Thursday 12, which is para pagos(13) = 20.5772.
    const rates = captured.dof.rates.map((rate) =>
      rate.key === 'dof_para_pagos' ? { ...rate, value: 20.5772, date: '2020-11-13' } : rate,
    );
    const { rateForConversion } = rateFor('2020-11-13', { dof: served('dof', { rates }) });

    expect(await rateForConversion('fiscal')).toMatchObject({
      value: 20.5772,
      date: '2020-11-12',
      rule: FISCAL_RULE_DAY_BEFORE,
      provenance: { column: 'Para pagos', publication_date: '2020-11-12' },
    });
  });

  it("refuses fiscal when today's DOF is the only publication the page shows", async () => {
    const rates = captured.dof.rates.filter((rate) => rate.key === 'dof');
    const { rateForConversion } = rateFor('2020-11-13', { dof: served('dof', { rates }) });

    await expect(rateForConversion('fiscal')).rejects.toThrow(
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

    const error = await rateForConversion('market').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: 'quota_exhausted',
      message: 'Fixer: monthly budget spent',
      retryAfterSeconds: 3600,
    });
  });
});

describe('rateForConversionFrom', () => {
  it("uses today's rates without a date and the dated rules with one, today's included", async () => {
    const asked: string[] = [];
    const rate = (kind: ConversionKind, from: string): ConversionRate => ({
      kind,
      value: 20,
      date: '2020-11-27',
      rule: from,
      source: from,
      provenance: {},
    });
    const rateFor = rateForConversionFrom(
      async (kind) => {
        asked.push(`today ${kind}`);
        return rate(kind, 'today');
      },
      async (kind, date) => {
        asked.push(`dated ${kind} ${date}`);
        return rate(kind, 'dated');
      },
    );

    const rules = [
      (await rateFor('fix', undefined)).rule,
      (await rateFor('fiscal', '2020-11-29')).rule,
      (await rateFor('market', '2020-11-27')).rule,
    ];

    expect(rules).toEqual(['today', 'dated', 'dated']);
    expect(asked).toEqual(['today fix', 'dated fiscal 2020-11-29', 'dated market 2020-11-27']);
  });
});
